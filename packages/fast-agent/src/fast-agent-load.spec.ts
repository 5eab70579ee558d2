// A fleet's load against a real fast-agent in its default settings (one operation per MCP session):
// every task completes, in memory and over NATS, and the time is printed beside a direct MCP client's.
// FAST_AGENT_LOAD_TASKS sets the batch (default 160: modest enough for a loaded 2-core machine).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastAgentHandle, NatsServerHandle } from '@switchyard/testing';
import { startFastAgent, startNatsServer } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastAgentBridge } from './fast-agent-bridge.js';
import type { FastAgentOptionsInput } from './fast-agent-options.js';
import type { FleetOrchestrator } from './fast-agent-fleet.test-helpers.js';
import {
  alternating,
  directMcpCalls,
  echoed,
  runBatch,
  startFleetOrchestrator,
} from './fast-agent-fleet.test-helpers.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fast-agent', 'agent.py');
const TASKS = Number(process.env.FAST_AGENT_LOAD_TASKS ?? '160');
const CAPACITY = 4;

/** docs/fast-agent.md's configuration: two agents, capacity 4 each. */
const readmeConfig = (url: string): FastAgentOptionsInput => ({
  servers: [{ name: 'fleet', url }],
  agents: [
    {
      name: 'summarizer',
      agentId: 'summarizer-1',
      capabilities: ['summarize', 'text'],
      priority: 2,
      capacity: CAPACITY,
    },
    { name: 'translator', agentId: 'translator-1', capabilities: ['translate'], capacity: CAPACITY },
  ],
});

describe('a fast-agent fleet under load (default server settings)', () => {
  let fastAgent: FastAgentHandle;
  let nats: NatsServerHandle;

  beforeAll(async () => {
    [fastAgent, nats] = await Promise.all([startFastAgent(fixture), startNatsServer()]);
    // Warm the server up (imports, first sessions) so neither measurement pays for it.
    await directMcpCalls(fastAgent.url, ['summarizer', 'translator'], 2 * CAPACITY, 16);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([fastAgent.stop(), nats.stop()]);
  });

  for (const kind of ['memory', 'nats'] as const) {
    it(`completes every task at capacity ${String(CAPACITY)} across two agents (${kind})`, async () => {
      const orchestrator: FleetOrchestrator = await startFleetOrchestrator(
        kind === 'memory' ? { kind } : { kind, url: nats.url },
      );
      const bridge = new FastAgentBridge(readmeConfig(fastAgent.url), () => orchestrator.connect());
      await bridge.start();
      try {
        const tasks = alternating(TASKS, ['summarize', 'translate']);
        const directMs = await directMcpCalls(fastAgent.url, ['summarizer', 'translator'], 2 * CAPACITY, TASKS);
        const started = performance.now();
        const ended = await runBatch(orchestrator.engine, tasks, 300_000);
        const bridgeMs = performance.now() - started;
        const completed = ended.filter((task, index) => echoed(task, tasks[index]?.prompt ?? ''));
        console.log(
          `fast-agent load (${kind}): ${String(completed.length)}/${String(TASKS)} completed; through Switchyard ${bridgeMs.toFixed(0)} ms, direct MCP client (${String(2 * CAPACITY)} sessions) ${directMs.toFixed(0)} ms, ratio ${(bridgeMs / directMs).toFixed(2)}`,
        );
        expect(
          ended.filter((task) => task.status !== 'completed').map((task) => [task.status, task.error?.code]),
        ).toEqual([]);
        expect(completed).toHaveLength(TASKS);
        const [stats] = bridge.serverStats();
        expect(stats).toMatchObject({ server: 'fleet', up: true, circuit: 'closed', mode: 'sessions' });
        expect(stats?.calls.ok).toBe(TASKS);
        // Both agents took their share.
        expect(new Set(ended.map((task) => task.assignedAgentId))).toEqual(new Set(['summarizer-1', 'translator-1']));
      } finally {
        await bridge.stop();
        await orchestrator.stop();
      }
    }, 600_000);
  }

  it('takes parallel calls on one shared session from a server started with --instance-scope request (stateless)', async () => {
    const stateless = await startFastAgent(fixture, { args: ['--instance-scope', 'request'] });
    const orchestrator = await startFleetOrchestrator({ kind: 'memory' });
    const bridge = new FastAgentBridge(readmeConfig(stateless.url), () => orchestrator.connect());
    await bridge.start();
    try {
      const tasks = alternating(40, ['summarize', 'translate']);
      const ended = await runBatch(orchestrator.engine, tasks, 300_000);
      expect(ended.filter((task, index) => !echoed(task, tasks[index]?.prompt ?? ''))).toEqual([]);
      expect(bridge.serverStats()[0]).toMatchObject({ mode: 'stateless', sessionsOpen: 1, calls: { ok: 40, busy: 0 } });
    } finally {
      await bridge.stop();
      await orchestrator.stop();
      await stateless.stop();
    }
  }, 300_000);
});
