import type { AgentTask } from '@switchyard/agent';
import { describe, expect, it } from 'vitest';
import { demoHandler } from './demo-fleet.js';

const task: AgentTask = {
  id: 't',
  type: 'x',
  data: { prompt: 'p' },
  requiredCapabilities: [],
  senderId: 's',
  priority: 'normal',
  attempt: 1,
};

describe('demo agents', () => {
  it('leave no abort listener behind after a task (one shared signal serves every task)', async () => {
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      listeners++;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<AbortSignal['removeEventListener']>) => {
      listeners--;
      remove(...args);
    };
    const handle = demoHandler({ id: 'd', capabilities: ['x'], priority: 0, latencyMs: 1, failureRate: 0 });
    for (let run = 0; run < 20; run++) await handle(task, { agentId: 'd', signal, progress: () => undefined });
    expect(listeners).toBe(0);
  });

  it('stop promptly when the agent is stopped mid-task', async () => {
    const controller = new AbortController();
    const handle = demoHandler({ id: 'd', capabilities: ['x'], priority: 0, latencyMs: 10_000, failureRate: 0 });
    const running = handle(task, { agentId: 'd', signal: controller.signal, progress: () => undefined });
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'AGENT_STOPPED' });
  });
});
