// Against a real fast-agent process serving the fixture's two passthrough agents over HTTP.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoreModule, OrchestrationEngine, TaskDistributionError, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import { SwitchyardAgent } from '@switchyard/agent';
import type { FastAgentHandle } from '@switchyard/testing';
import { FAST_AGENT_INSTALL_HINT, startFastAgent, waitUntil } from '@switchyard/testing';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastAgentBridge } from './fast-agent-bridge.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fast-agent', 'agent.py');
const TOKEN = 'fast-agent-spec';

describe('FastAgentBridge with a real fast-agent', () => {
  let fastAgent: FastAgentHandle;
  let engine: OrchestrationEngine;
  let distributor: TaskDistributor;
  let bus: MemoryBus;

  beforeAll(async () => {
    fastAgent = await startFastAgent(fixture);
    const container = new Container();
    const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }]);
    container.load(createCoreModule({}, { authenticator }), createMemoryTransportModule());
    engine = container.get(OrchestrationEngine);
    distributor = container.get(TaskDistributor);
    bus = container.get(MemoryBus);
    await engine.start();
  }, 90_000);

  afterAll(async () => {
    await engine.stop();
    await fastAgent.stop();
  });

  async function run(requiredCapabilities: string[], taskData: import('@switchyard/core').JsonValue) {
    const task = await engine.createTask({
      authToken: TOKEN,
      taskType: 'fast-agent',
      requiredCapabilities,
      taskData,
      strategy: 'priority_based',
    });
    return engine.executeTask({ authToken: TOKEN, taskId: task.id, timeoutMs: 30_000 });
  }

  it('registers the configured agents, turns tasks into tool calls, and follows the server going away and coming back', async () => {
    const bridge = new FastAgentBridge(
      {
        servers: [{ name: 'fixture', url: fastAgent.url }],
        agents: [
          { name: 'summarizer', agentId: 'fa-summarizer', capabilities: ['summarize'], priority: 2, capacity: 2 },
          { name: 'translator', agentId: 'fa-translator', capabilities: ['translate'] },
        ],
        refreshIntervalMs: 200,
        retries: 1,
        retryBackoffMs: 50,
      },
      () => new InMemoryTransport(bus),
    );
    // Another capable agent, with a lower priority: it gets summaries only when fast-agent cannot.
    const backup = new SwitchyardAgent(
      { agentId: 'backup-summarizer', capabilities: ['summarize'], priority: 0 },
      new InMemoryTransport(bus),
      () => ({ text: 'from the backup' }),
    );
    await backup.start();
    await bridge.start();
    try {
      expect(
        distributor
          .listAgents()
          .map((agent) => [agent.id, agent.capabilities, agent.priority, agent.capacity])
          .sort(),
      ).toEqual([
        ['backup-summarizer', ['summarize'], 0, null],
        ['fa-summarizer', ['summarize'], 2, 2],
        ['fa-translator', ['translate'], 0, 4],
      ]);
      expect(distributor.getAgent('fa-summarizer').metadata).toEqual({
        fastAgent: { server: 'fixture', agent: 'summarizer', tool: 'summarizer' },
      });

      // The passthrough model answers with what it was sent.
      await expect(run(['summarize'], { prompt: 'hello switchyard' })).resolves.toMatchObject({
        agentId: 'fa-summarizer',
        result: { text: 'hello switchyard' },
      });
      await expect(run(['translate'], { text: 'bonjour' })).resolves.toMatchObject({
        agentId: 'fa-translator',
        result: { text: '{"text":"bonjour"}' },
      });
      await expect(run(['sing'], 'la la')).rejects.toBeInstanceOf(TaskDistributionError);

      const port = fastAgent.port;
      await fastAgent.stop();
      const fastAgentIds = ['fa-summarizer', 'fa-translator'];
      await waitUntil(
        () => fastAgentIds.every((id) => distributor.getAgent(id).status === 'offline'),
        'the fast-agent agents go offline',
        15_000,
      );
      await expect(run(['summarize'], { prompt: 'anyone?' })).resolves.toMatchObject({
        agentId: 'backup-summarizer',
        result: { text: 'from the backup' },
      });
      // Nobody else translates: the task waits in the queue until the translator is back.
      const waiting = run(['translate'], { text: 'waited' });
      await waitUntil(() => distributor.queueStats().depth === 1, 'the translation waits in the queue');

      fastAgent = await startFastAgent(fixture, { port });
      await waitUntil(
        () => fastAgentIds.every((id) => distributor.getAgent(id).status === 'online'),
        'they come back online',
        30_000,
      );
      await expect(waiting).resolves.toMatchObject({ agentId: 'fa-translator', result: { text: '{"text":"waited"}' } });
      await expect(run(['summarize'], { prompt: 'welcome back' })).resolves.toMatchObject({
        agentId: 'fa-summarizer',
        result: { text: 'welcome back' },
      });
    } finally {
      await bridge.stop();
      await backup.stop();
    }
    expect(distributor.listAgents()).toEqual([]);
  }, 120_000);

  it('registers agents nobody listed with default capabilities when asked to', async () => {
    const bridge = new FastAgentBridge(
      {
        servers: [{ name: 'fixture', url: fastAgent.url }],
        unlisted: { register: true, capabilities: ['llm'], capacity: 3 },
      },
      () => new InMemoryTransport(bus),
    );
    await bridge.start();
    try {
      expect(
        distributor
          .listAgents()
          .map((agent) => [agent.id, agent.capabilities, agent.capacity])
          .sort(),
      ).toEqual([
        ['fixture-summarizer', ['llm'], 3],
        ['fixture-translator', ['llm'], 3],
      ]);
      expect(bridge.agents().every((state) => state.reachable)).toBe(true);
    } finally {
      await bridge.stop();
    }
  }, 60_000);

  it('ignores agents nobody listed by default, and refuses options that name no server', async () => {
    const bridge = new FastAgentBridge(
      { servers: [{ name: 'fixture', url: fastAgent.url }] },
      () => new InMemoryTransport(bus),
    );
    await bridge.start();
    expect(distributor.listAgents()).toEqual([]);
    await bridge.stop();
    expect(() => new FastAgentBridge({ servers: [] }, () => new InMemoryTransport(bus))).toThrow(/servers/);
    expect(
      () =>
        new FastAgentBridge(
          { servers: [{ name: 'both', url: 'http://x/mcp', command: 'python' }] },
          () => new InMemoryTransport(bus),
        ),
    ).toThrow(/servers\.0\.url: give exactly one of url or command/);
  });

  it('fails with install instructions when fast-agent is missing, never skipping', async () => {
    const previous = process.env.FAST_AGENT_PYTHON;
    process.env.FAST_AGENT_PYTHON = '/nonexistent/python';
    try {
      await expect(startFastAgent(fixture)).rejects.toThrow(FAST_AGENT_INSTALL_HINT);
    } finally {
      if (previous === undefined) delete process.env.FAST_AGENT_PYTHON;
      else process.env.FAST_AGENT_PYTHON = previous;
    }
  });
});
