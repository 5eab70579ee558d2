// An MCP client trying to take over an agent id: one live registration per id holds through
// MCP exactly as on the transport (the rule lives in core, which both paths go through).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Envelope } from '@switchyard/core/internal';
import { createCoreModule, OrchestrationEngine, SilentLogger, TokenAuthenticator, TOKENS } from '@switchyard/core';
import { agentAddress, TaskDistributor } from '@switchyard/core/internal';
import { waitUntil } from '@switchyard/testing';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentMailboxes } from './agent-mailboxes.js';
import { McpHttpServer } from './mcp-http-server.js';

const CLIENT = 'client-token';
const REGISTRAR = 'registrar-token';
const OTHER_REGISTRAR = 'other-registrar-token';

describe('agent ids cannot be hijacked through MCP', () => {
  let http: McpHttpServer;
  let url: string;
  let distributor: TaskDistributor;
  let engine: OrchestrationEngine;
  let mailboxes: AgentMailboxes;
  let wire: InMemoryTransport;
  const received: Envelope[] = [];
  const clients: Client[] = [];

  beforeEach(async () => {
    const authenticator = await TokenAuthenticator.fromPlainTokens([
      { token: CLIENT, permissions: ['tasks:create', 'tasks:distribute'] },
      { token: REGISTRAR, name: 'registrar', permissions: ['agents:register', 'agents:update', 'tasks:respond'] },
      {
        token: OTHER_REGISTRAR,
        name: 'other-registrar',
        permissions: ['agents:register', 'agents:update', 'tasks:respond'],
      },
    ]);
    const container = new Container();
    container.load(createCoreModule({}, { authenticator }), createMemoryTransportModule());
    engine = container.get(OrchestrationEngine);
    distributor = container.get(TaskDistributor);
    await engine.start();
    const bus = container.get(MemoryBus);
    mailboxes = new AgentMailboxes(new InMemoryTransport(bus), {
      leaseMs: 60_000,
      setStatus: (agentId, status) => distributor.updateAgentStatus({ agentId, status }, true),
    });
    http = new McpHttpServer(
      { engine, authenticator: container.get(TOKENS.Authenticator), mailboxes },
      { enabled: true, host: '127.0.0.1', port: 0, allowedOrigins: [], logger: new SilentLogger() },
    );
    url = await http.start();
    // An agent on the transport, speaking envelopes: the id an MCP client will try to take.
    received.length = 0;
    wire = new InMemoryTransport(bus);
    await wire.start();
    await wire.subscribe(agentAddress('worker'), (envelope) => {
      received.push(envelope);
    });
    await wire.send({
      id: 'reg-1',
      kind: 'agent_register',
      from: agentAddress('worker'),
      to: 'orchestrator',
      priority: 'normal',
      sentAt: Date.now(),
      payload: { agentId: 'worker', capabilities: ['work'], priority: 0, instanceId: 'worker-run-1' },
    });
    await waitUntil(() => received.some((envelope) => envelope.kind === 'ack'), 'the transport agent is registered');
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await http.stop();
    await mailboxes.stop();
    await wire.stop();
    await engine.stop();
  });

  async function connect(token: string): Promise<Client> {
    const client = new Client({ name: 'spec', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  }

  async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    return (await client.callTool({ name, arguments: args })) as CallToolResult;
  }

  const text = (result: CallToolResult): string =>
    result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');

  it('refuses to register the id of a live transport agent, opens no second mailbox, and the task goes to the agent alone', async () => {
    const mcp = await connect(REGISTRAR);
    const hijack = await call(mcp, 'register_agent_with_distributor', {
      agent_id: 'worker',
      capabilities: ['evil'],
      capacity: 1,
    });
    expect(hijack.isError).toBe(true);
    expect(text(hijack)).toContain('AGENT_ID_IN_USE');
    expect(mailboxes.has('worker')).toBe(false);
    expect(distributor.getAgent('worker')).toMatchObject({ capabilities: ['work'], capacity: null });

    const client = await connect(CLIENT);
    const distributed = await call(client, 'distribute_task', {
      task_id: 'only-once',
      task_type: 'w',
      required_capabilities: ['work'],
      task_data: null,
      sender_id: 'spec',
    });
    expect(distributed.isError).toBeFalsy();
    await waitUntil(
      () => received.some((envelope) => envelope.kind === 'task_request'),
      'the task reaches the transport agent',
    );
    // Nor can the MCP client answer it: the agent's answers carry its session, which MCP never saw.
    const forged = await call(mcp, 'handle_task_response', {
      task_id: 'only-once',
      agent_id: 'worker',
      status: 'completed',
      result: 'forged',
    });
    expect(forged.isError).toBe(true);
    expect(text(forged)).toContain('SESSION_INVALID');
    expect(distributor.getTask('only-once')).toMatchObject({ status: 'assigned', assignedAgentId: 'worker' });
  });

  it('refuses a second principal registering an id the first registered through MCP', async () => {
    const first = await connect(REGISTRAR);
    expect(
      (await call(first, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'] })).isError,
    ).toBeFalsy();
    const second = await connect(OTHER_REGISTRAR);
    const hijack = await call(second, 'register_agent_with_distributor', {
      agent_id: 'writer',
      capabilities: ['evil'],
    });
    expect(hijack.isError).toBe(true);
    expect(text(hijack)).toContain('AGENT_ID_IN_USE');
    expect(distributor.getAgent('writer').capabilities).toEqual(['write']);
    // The first principal may still update its own agent.
    expect(
      (await call(first, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write', 'edit'] }))
        .isError,
    ).toBeFalsy();
  });
});
