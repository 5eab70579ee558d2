// Failures a fleet meets, against real fast-agent processes in their default settings: a server
// restarted or killed mid-batch, and an agent slower than callTimeoutMs.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastAgentHandle } from '@switchyard/testing';
import { startFastAgent, waitUntil } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastAgentBridge } from './fast-agent-bridge.js';
import type { FleetOrchestrator } from './fast-agent-fleet.test-helpers.js';
import { alternating, FLEET_TOKEN, runBatch, startFleetOrchestrator } from './fast-agent-fleet.test-helpers.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fast-agent');
const fixture = join(fixtures, 'agent.py');

function notCompleted(
  tasks: readonly { status: string; error: { code?: string } | null }[],
): [string, string | undefined][] {
  return tasks.filter((task) => task.status !== 'completed').map((task) => [task.status, task.error?.code]);
}

describe('a fast-agent fleet when servers fail', () => {
  let first: FastAgentHandle;
  let second: FastAgentHandle | undefined;
  let orchestrator: FleetOrchestrator;

  beforeAll(async () => {
    [first, orchestrator] = await Promise.all([startFastAgent(fixture), startFleetOrchestrator({ kind: 'memory' })]);
  }, 120_000);

  afterAll(async () => {
    await orchestrator.stop();
    await Promise.all([first.stop(), second?.stop()]);
  });

  it('restarting the server mid-batch fails no task, and its agents are back soon after it answers', async () => {
    const bridge = new FastAgentBridge(
      {
        servers: [{ name: 'fleet', url: first.url }],
        agents: [
          { name: 'summarizer', agentId: 'summarizer-1', capabilities: ['summarize'] },
          { name: 'translator', agentId: 'translator-1', capabilities: ['translate'] },
        ],
      },
      () => orchestrator.connect(),
    );
    await bridge.start();
    const ids = ['summarizer-1', 'translator-1'];
    try {
      const batch = runBatch(orchestrator.engine, alternating(120, ['summarize', 'translate']), 300_000);
      await waitUntil(() => (bridge.serverStats()[0]?.calls.ok ?? 0) >= 30, 'a quarter of the batch is done', 120_000);
      const port = first.port;
      await first.stop();
      // At once, not at the next refresh (10 s away): the calls that found it gone took its agents offline.
      await waitUntil(
        () => ids.every((id) => orchestrator.distributor.getAgent(id).status === 'offline'),
        'its agents go offline',
        30_000,
      );
      first = await startFastAgent(fixture, { port });
      const answering = performance.now();
      await waitUntil(
        () => ids.every((id) => orchestrator.distributor.getAgent(id).status === 'online'),
        'its agents come back',
        60_000,
      );
      console.log(
        `fast-agent restart: agents back ${(performance.now() - answering).toFixed(0)} ms after the server answered`,
      );
      const ended = await batch;
      expect(notCompleted(ended)).toEqual([]);
      expect(ended.every((task) => task.failures === 0)).toBe(true);
      expect(bridge.serverStats()[0]).toMatchObject({ up: true, downs: 1, ups: 2 });
    } finally {
      await bridge.stop();
    }
  }, 600_000);

  it("killing one of two servers mid-batch: its tasks finish on the other's agents, none dead-lettered", async () => {
    second = await startFastAgent(fixture);
    const bridge = new FastAgentBridge(
      {
        servers: [
          { name: 'one', url: first.url },
          { name: 'two', url: second.url },
        ],
        agents: [
          { name: 'summarizer', server: 'one', agentId: 'one-summarizer', capabilities: ['echo'] },
          { name: 'translator', server: 'one', agentId: 'one-translator', capabilities: ['echo'] },
          { name: 'summarizer', server: 'two', agentId: 'two-summarizer', capabilities: ['echo'] },
          { name: 'translator', server: 'two', agentId: 'two-translator', capabilities: ['echo'] },
        ],
      },
      () => orchestrator.connect(),
    );
    await bridge.start();
    try {
      const batch = runBatch(orchestrator.engine, alternating(160, ['echo']), 300_000);
      await waitUntil(
        () => (bridge.serverStats()[1]?.calls.ok ?? 0) >= 20,
        'the second server has done some of the batch',
        120_000,
      );
      process.kill(second.pid, 'SIGKILL');
      await second.stop();
      second = undefined;
      const ended = await batch;
      expect(notCompleted(ended)).toEqual([]);
      expect(ended.every((task) => task.failures === 0)).toBe(true);
      const [one, two] = bridge.serverStats();
      expect(one).toMatchObject({ up: true, downs: 0 });
      expect(two).toMatchObject({ up: false, downs: 1 });
      // Every task finished on the first server's agents but those the second finished before it died.
      expect(ended.filter((task) => task.assignedAgentId?.startsWith('two-') === true)).toHaveLength(
        two?.calls.ok ?? -1,
      );
    } finally {
      await bridge.stop();
    }
  }, 600_000);

  it('an agent slower than callTimeoutMs ends FAST_AGENT_TIMEOUT after maxAttempts calls, each cancelled on the server', async () => {
    const slow = await startFastAgent(join(fixtures, 'slow_agent.py'));
    // fast-agent's `slow` model takes 3 s.
    const bridge = new FastAgentBridge(
      {
        servers: [{ name: 'slow', url: slow.url }],
        agents: [
          { name: 'sleeper', agentId: 'sleeper-1', capabilities: ['sleep'], capacity: 1 },
          { name: 'echo', agentId: 'echo-1', capabilities: ['echo'], capacity: 1 },
        ],
        callTimeoutMs: 500,
      },
      () => orchestrator.connect(),
    );
    await bridge.start();
    try {
      const [ended] = await runBatch(orchestrator.engine, [{ capability: 'sleep', prompt: 'take your time' }], 60_000);
      expect(ended).toMatchObject({
        status: 'dead_lettered',
        attempts: 3,
        failures: 3,
        error: { code: 'FAST_AGENT_TIMEOUT' },
      });
      expect(bridge.serverStats()[0]?.calls).toMatchObject({ timeout: 3, ok: 0, agent_error: 0 });
      // A call still running on the server would hold its session for the rest of its 3 s and the
      // next calls on it would be refused as busy. Cancelled, the sessions are free well before.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const busyBefore = bridge.serverStats()[0]?.calls.busy ?? 0;
      for (let index = 0; index < 4; index++) {
        const task = await orchestrator.engine.createTask({
          authToken: FLEET_TOKEN,
          taskType: 'echo',
          requiredCapabilities: ['echo'],
          taskData: { prompt: `after ${String(index)}` },
        });
        await expect(
          orchestrator.engine.executeTask({ authToken: FLEET_TOKEN, taskId: task.id, timeoutMs: 30_000 }),
        ).resolves.toMatchObject({ result: { text: `after ${String(index)}` } });
      }
      expect(bridge.serverStats()[0]?.calls.busy).toBe(busyBefore);
    } finally {
      await bridge.stop();
      await slow.stop();
    }
  }, 300_000);

  it('a call running when its server dies ends at once: the task is handed back uncounted and runs when the server is back', async () => {
    let slow = await startFastAgent(join(fixtures, 'slow_agent.py'));
    const bridge = new FastAgentBridge(
      {
        servers: [{ name: 'slow', url: slow.url }],
        agents: [{ name: 'sleeper', agentId: 'sleeper-2', capabilities: ['sleep-2'], capacity: 1 }],
        // Far away: whatever notices the death here, it is not the periodic refresh.
        refreshIntervalMs: 600_000,
      },
      () => orchestrator.connect(),
    );
    await bridge.start();
    try {
      const task = await orchestrator.engine.createTask({
        authToken: FLEET_TOKEN,
        taskType: 'sleep',
        requiredCapabilities: ['sleep-2'],
        taskData: { prompt: 'interrupted' },
      });
      const finished = orchestrator.engine.executeTask({ authToken: FLEET_TOKEN, taskId: task.id, timeoutMs: 240_000 });
      await waitUntil(
        () => orchestrator.distributor.getAgent('sleeper-2').load === 1,
        'the agent has the task',
        30_000,
      );
      // Into the model's 3 s, so the call is on the server when it dies.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const port = slow.port;
      process.kill(slow.pid, 'SIGKILL');
      await slow.stop();
      await waitUntil(
        () => orchestrator.distributor.getAgent('sleeper-2').status === 'offline',
        'the agent goes offline',
        60_000,
      );
      await waitUntil(
        () => orchestrator.distributor.getTask(task.id).status === 'queued',
        'the task is handed back to the queue',
        30_000,
      );
      expect(orchestrator.distributor.getTask(task.id)).toMatchObject({
        failures: 0,
        history: [{ outcome: 'agent_lost' }],
      });
      slow = await startFastAgent(join(fixtures, 'slow_agent.py'), { port });
      await expect(finished).resolves.toMatchObject({ status: 'completed', result: { text: 'interrupted' } });
      expect(orchestrator.distributor.getTask(task.id)).toMatchObject({ failures: 0 });
    } finally {
      await bridge.stop();
      await slow.stop();
    }
  }, 300_000);
});
