import 'reflect-metadata';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { hashToken, SilentLogger } from '@switchyard/core';
import { waitUntil } from '@switchyard/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load-config.js';
import { startOrchestrator } from '../container/start-orchestrator.js';
import { serveOrchestratorHttp } from '../http/serve-orchestrator-http.js';
import { OrchestratorClient } from './orchestrator-client.js';

const ADMIN = 'client-spec-admin';

describe('OrchestratorClient against a served orchestrator with small MCP results', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  async function serve(overrides: Record<string, unknown> = {}) {
    const { config } = await resolveConfig({
      auth: { tokens: [{ name: 'admin', sha256: await hashToken(ADMIN), permissions: ['admin'] }] },
      demo: {
        agents: Array.from({ length: 6 }, (_, index) => ({
          id: `writer-${String(index)}`,
          capabilities: ['write'],
          latencyMs: 1,
        })),
        tasksPerSecond: 0,
      },
      // About three agents fit one list_agents page: the client must follow the cursor.
      mcp: { http: { port: 0, maxResultBytes: 1_024 } },
      ...overrides,
    });
    const running = await startOrchestrator(config, new SilentLogger(), process.cwd());
    const http = await serveOrchestratorHttp(running.orchestrator, config, new SilentLogger());
    if (http === undefined) throw new Error('expected the HTTP server');
    stops.push(
      () => running.stop(),
      () => http.stop(),
    );
    const client = await OrchestratorClient.connect({ url: new URL(http.mcpUrl), token: ADMIN });
    stops.push(() => client.close());
    return { running, http, client };
  }

  it('lists every agent across pages, and reads a result too large for one tool result from the task resource', async () => {
    const { client } = await serve();
    expect((await client.listAgents()).map((agent) => agent.id)).toEqual([
      'writer-0',
      'writer-1',
      'writer-2',
      'writer-3',
      'writer-4',
      'writer-5',
    ]);
    const data = { text: 'x'.repeat(5_000) };
    const result = await client.runTask({ type: 'draft', capabilities: ['write'], data }, 10_000);
    expect(result).toMatchObject({ status: 'completed', result: { input: data } });
    expect((await client.listTasks({ limit: 10 })).map((task) => task.status)).toEqual(['completed']);
  });

  it('marks an agent registered through MCP offline when it stops polling for agents.mcpLeaseMs', async () => {
    const { running, http } = await serve({ agents: { mcpLeaseMs: 300 } });
    const mcp = new Client({ name: 'lease-spec', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(http.mcpUrl), {
        requestInit: { headers: { Authorization: `Bearer ${ADMIN}` } },
      }),
    );
    stops.push(() => mcp.close());
    await mcp.callTool({
      name: 'register_agent_with_distributor',
      arguments: { agent_id: 'mcp-agent', capabilities: ['write'] },
    });
    const status = (): string | undefined =>
      running.orchestrator.distributor.listAgents().find((agent) => agent.id === 'mcp-agent')?.status;
    expect(status()).toBe('online');
    await waitUntil(() => status() === 'offline', 'the lease lapses', 20_000);
  });
});
