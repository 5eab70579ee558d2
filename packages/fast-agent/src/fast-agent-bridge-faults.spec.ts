// Faults a real fast-agent cannot be made to show on cue, from a scripted MCP server with sessions:
// forgotten sessions, error answers, HTTP 500s and the circuit they open.
import { waitUntil } from '@switchyard/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FastAgentBridge } from './fast-agent-bridge.js';
import type { FleetOrchestrator } from './fast-agent-fleet.test-helpers.js';
import { FLEET_TOKEN, runBatch, startFleetOrchestrator } from './fast-agent-fleet.test-helpers.js';
import { ScriptedMcpServer } from './scripted-mcp-server.test-helpers.js';

describe('FastAgentBridge against a scripted MCP server', () => {
  let server: ScriptedMcpServer;
  let url: string;
  let orchestrator: FleetOrchestrator;
  let bridge: FastAgentBridge;

  beforeAll(async () => {
    orchestrator = await startFleetOrchestrator(
      { kind: 'memory' },
      { tasks: { retry: { initialDelayMs: 10, maxDelayMs: 50 } } },
    );
  });
  afterAll(async () => {
    await orchestrator.stop();
  });
  beforeEach(async () => {
    server = new ScriptedMcpServer();
    url = await server.start();
    bridge = new FastAgentBridge(
      {
        servers: [{ name: 'scripted', url }],
        agents: [{ name: 'echo', agentId: 'scripted-echo', capabilities: ['echo'], capacity: 2 }],
        retries: 1,
        retryBackoffMs: 10,
        circuitBreaker: { failures: 3, openMs: 300 },
      },
      () => orchestrator.connect(),
    );
    await bridge.start();
  });
  afterEach(async () => {
    await bridge.stop();
    await server.stop();
  });

  const echo = async (message: string) =>
    (await runBatch(orchestrator.engine, [{ capability: 'echo', prompt: message }], 30_000))[0];

  it('opens new sessions when the server forgot them (a restart), and the task never notices', async () => {
    await expect(echo('before')).resolves.toMatchObject({ status: 'completed', result: { text: 'before' } });
    await server.forgetSessions();
    await expect(echo('after')).resolves.toMatchObject({ status: 'completed', failures: 0, result: { text: 'after' } });
    expect(bridge.serverStats()[0]).toMatchObject({ up: true, downs: 0, calls: { ok: 2, session_lost: 1 } });
    // With calls in parallel on several sessions: all of them are renewed, none of the tasks fails.
    const batch = (label: string) =>
      runBatch(
        orchestrator.engine,
        Array.from({ length: 6 }, (_, index) => ({ capability: 'echo', prompt: `${label} ${String(index)}` })),
        30_000,
      );
    expect((await batch('first')).map((task) => [task.status, task.failures])).toEqual(
      Array.from({ length: 6 }, () => ['completed', 0]),
    );
    await server.forgetSessions();
    expect((await batch('second')).map((task) => [task.status, task.failures])).toEqual(
      Array.from({ length: 6 }, () => ['completed', 0]),
    );
    expect(bridge.serverStats()[0]).toMatchObject({ up: true, downs: 0, calls: { ok: 14 } });
  });

  it("fails the task at once on the agent's error answer (FAST_AGENT_ERROR, permanent)", async () => {
    await expect(echo('fail')).resolves.toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'FAST_AGENT_ERROR' },
    });
    expect(server.toolCalls).toBe(1);
  });

  it('retries HTTP 500s, then opens the circuit: the agent goes offline, and is back when the server recovers', async () => {
    server.failingCalls = 1_000;
    const task = await orchestrator.engine.createTask({
      authToken: FLEET_TOKEN,
      taskType: 'echo',
      requiredCapabilities: ['echo'],
      taskData: { prompt: 'through the storm' },
    });
    const finished = orchestrator.engine.executeTask({ authToken: FLEET_TOKEN, taskId: task.id, timeoutMs: 60_000 });
    // Attempt 1: a call and its one retry fail (FAST_AGENT_SERVER_ERROR); attempt 2's first failure is the third in a row.
    await waitUntil(() => bridge.serverStats()[0]?.circuit === 'open', 'the circuit opens', 30_000);
    expect(orchestrator.distributor.getAgent('scripted-echo').status).toBe('offline');
    expect(bridge.serverStats()[0]).toMatchObject({ up: false, downs: 1, calls: { server_error: 3 } });
    server.failingCalls = 0;
    await expect(finished).resolves.toMatchObject({ status: 'completed', result: { text: 'through the storm' } });
    const ended = await orchestrator.engine.getTask({ authToken: FLEET_TOKEN, taskId: task.id });
    // Only the first attempt counts: the second was handed back when the agent went offline.
    expect(ended).toMatchObject({
      failures: 1,
      history: [{ error: { code: 'FAST_AGENT_SERVER_ERROR' } }, { outcome: 'agent_lost' }, { outcome: 'completed' }],
    });
    expect(bridge.serverStats()[0]).toMatchObject({ up: true, circuit: 'closed', ups: 2 });
  });

  it('refuses bad options with a typed error naming the field, and registers nothing', () => {
    expect(
      () => new FastAgentBridge({ servers: [{ name: 'x', url: 'not a url' }] }, () => orchestrator.connect()),
    ).toThrow(/servers\.0\.url/);
    expect(orchestrator.distributor.listAgents().map((agent) => agent.id)).toEqual(['scripted-echo']);
  });
});
