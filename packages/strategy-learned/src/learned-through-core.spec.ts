import 'reflect-metadata';
import { createCoreModule, hashToken, OrchestrationEngine } from '@switchyard/core';
import type { AgentTask } from '@switchyard/agent';
import { SwitchyardAgent, TaskFailure } from '@switchyard/agent';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import { learnedStrategy } from './learned-strategy.js';

const TOKEN = 'learned-spec-token';

describe('learned strategy in a real orchestrator core', () => {
  const agents: SwitchyardAgent[] = [];
  let engine: OrchestrationEngine | undefined;

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await engine?.stop();
  });

  it('learns from the distributor’s outcome hooks which agent succeeds at which kind of task', async () => {
    const container = new Container();
    container.load(
      createCoreModule(
        {
          auth: { tokens: [{ name: 'test', sha256: await hashToken(TOKEN), permissions: ['admin'] }] },
          distribution: { defaultStrategy: 'learned' },
          tasks: { retry: { maxAttempts: 1 } },
        },
        { strategies: [{ definition: learnedStrategy, options: { key: 'data', keyPath: 'kind' } }] },
      ),
      createMemoryTransportModule(),
    );
    engine = container.get(OrchestrationEngine);
    const bus = container.get(MemoryBus);
    await engine.start();
    // Each agent succeeds only at its own kind of task.
    for (const [agentId, skill] of [
      ['summariser', 'summarise'],
      ['translator', 'translate'],
    ] as const) {
      const agent = new SwitchyardAgent(
        { agentId, capabilities: ['work'] },
        new InMemoryTransport(bus),
        (task: AgentTask) => {
          if ((task.data as { kind: string }).kind !== skill) throw new TaskFailure('not my kind of task');
          return 'done';
        },
      );
      agents.push(agent);
      await agent.start();
    }
    const run = async (kind: string): Promise<string | null> => {
      const created = await engine?.createTask({
        authToken: TOKEN,
        taskType: 'job',
        requiredCapabilities: ['work'],
        taskData: { kind },
      });
      if (created === undefined) return null;
      await engine?.executeTask({ authToken: TOKEN, taskId: created.id }).catch(() => undefined);
      const task = await engine?.getTask({ authToken: TOKEN, taskId: created.id });
      return task?.history[0]?.agentId ?? null;
    };
    for (let round = 0; round < 60; round++) {
      await run('summarise');
      await run('translate');
    }
    let right = 0;
    for (let round = 0; round < 40; round++) {
      if ((await run('summarise')) === 'summariser') right++;
      if ((await run('translate')) === 'translator') right++;
    }
    expect(right).toBeGreaterThanOrEqual(76);
  }, 60_000);
});
