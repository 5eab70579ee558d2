// The bridge where the orchestrator asks agents for a token (agents.requireToken), against a real fast-agent process.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import type { FastAgentHandle } from '@switchyard/testing';
import { startFastAgent, waitUntil } from '@switchyard/testing';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastAgentBridge } from './fast-agent-bridge.js';
import type { FastAgentOptionsInput } from './fast-agent-options.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fast-agent', 'agent.py');
const CLIENT_TOKEN = 'auth-spec-client';
const BRIDGE_TOKEN = 'auth-spec-bridge';
const SUMMARIZER_TOKEN = 'auth-spec-summarizer';

describe('FastAgentBridge with agents.requireToken', () => {
  let fastAgent: FastAgentHandle;
  let engine: OrchestrationEngine;
  let distributor: TaskDistributor;
  let bus: MemoryBus;

  beforeAll(async () => {
    fastAgent = await startFastAgent(fixture);
    const authenticator = await TokenAuthenticator.fromPlainTokens([
      { token: CLIENT_TOKEN, permissions: ['tasks:create', 'tasks:distribute'] },
      { token: BRIDGE_TOKEN, name: 'bridge', permissions: ['agents:register'] },
      // Bound to one agent: it registers that agent and no other.
      { token: SUMMARIZER_TOKEN, name: 'summarizer', permissions: ['agents:register'], agentId: 'fa-summarizer' },
    ]);
    const container = new Container();
    container.load(
      createCoreModule({ agents: { requireToken: true } }, { authenticator }),
      createMemoryTransportModule(),
    );
    engine = container.get(OrchestrationEngine);
    distributor = container.get(TaskDistributor);
    bus = container.get(MemoryBus);
    await engine.start();
  }, 90_000);

  afterAll(async () => {
    await engine.stop();
    await fastAgent.stop();
  });

  function bridge(extra: Partial<FastAgentOptionsInput>, summarizerToken?: string): FastAgentBridge {
    return new FastAgentBridge(
      {
        servers: [{ name: 'fixture', url: fastAgent.url }],
        agents: [
          {
            name: 'summarizer',
            agentId: 'fa-summarizer',
            capabilities: ['summarize'],
            ...(summarizerToken === undefined ? {} : { token: summarizerToken }),
          },
          { name: 'translator', agentId: 'fa-translator', capabilities: ['translate'] },
        ],
        ...extra,
      },
      () => new InMemoryTransport(bus),
    );
  }

  async function run(requiredCapabilities: string[], taskData: JsonValue) {
    const task = await engine.createTask({
      authToken: CLIENT_TOKEN,
      taskType: 'fast-agent',
      requiredCapabilities,
      taskData,
    });
    return engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id, timeoutMs: 30_000 });
  }

  it('registers its agents with the configured tokens (a mapping’s own first) and they complete tasks', async () => {
    const withTokens = bridge({ token: BRIDGE_TOKEN }, SUMMARIZER_TOKEN);
    await withTokens.start();
    try {
      await waitUntil(() => distributor.listAgents().length === 2, 'both fast-agent agents register', 15_000);
      expect(
        distributor
          .listAgents()
          .map((agent) => [agent.id, agent.status])
          .sort(),
      ).toEqual([
        ['fa-summarizer', 'online'],
        ['fa-translator', 'online'],
      ]);
      await expect(run(['summarize'], { prompt: 'with a token' })).resolves.toMatchObject({
        agentId: 'fa-summarizer',
        result: { text: 'with a token' },
      });
      await expect(run(['translate'], { text: 'avec un jeton' })).resolves.toMatchObject({
        agentId: 'fa-translator',
        result: { text: '{"text":"avec un jeton"}' },
      });
    } finally {
      await withTokens.stop();
    }
    expect(distributor.listAgents()).toEqual([]);
  }, 60_000);

  it('registers only the agents whose token lets them: none without one, with a wrong one, or one without agents:register', async () => {
    const cases: [Partial<FastAgentOptionsInput>, string | undefined, string[]][] = [
      [{}, undefined, []],
      [{ token: 'not-a-token' }, undefined, []],
      [{ token: CLIENT_TOKEN }, undefined, []],
      // A token bound to the summarizer registers it, and not the translator.
      [{ token: SUMMARIZER_TOKEN }, undefined, ['fa-summarizer']],
      // The summarizer's own token (no agents:register) comes before the bridge's.
      [{ token: BRIDGE_TOKEN }, CLIENT_TOKEN, ['fa-translator']],
    ];
    for (const [options, summarizerToken, registered] of cases) {
      const partly = bridge(options, summarizerToken);
      // start() returns once every registration was answered; a refused one waits for the next refresh.
      await partly.start();
      try {
        expect(distributor.listAgents().map((agent) => agent.id)).toEqual(registered);
        expect(partly.agents().map((agent) => agent.agentId)).toEqual(registered);
      } finally {
        await partly.stop();
      }
    }
    expect(distributor.listAgents()).toEqual([]);
  }, 60_000);
});
