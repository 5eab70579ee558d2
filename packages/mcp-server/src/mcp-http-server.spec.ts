import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { waitUntil } from '@switchyard/testing';
import { createCoreModule, OrchestrationEngine, SilentLogger, TokenAuthenticator, TOKENS } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentMailboxes } from './agent-mailboxes.js';
import { McpHttpServer } from './mcp-http-server.js';
import { SWITCHYARD_TOOLS } from './switchyard-tools.js';

const ADMIN = 'admin-token';
const CLIENT = 'client-token';
const AGENT = 'agent-token';

describe('Switchyard MCP server over Streamable HTTP', () => {
  let http: McpHttpServer;
  let url: string;
  let distributor: TaskDistributor;
  let engine: OrchestrationEngine;
  let mailboxes: AgentMailboxes;
  const clients: Client[] = [];

  beforeEach(async () => {
    const authenticator = await TokenAuthenticator.fromPlainTokens([
      { token: ADMIN, permissions: ['admin'] },
      { token: CLIENT, permissions: ['tasks:create', 'tasks:distribute'] },
      { token: AGENT, permissions: ['agents:register', 'agents:update', 'tasks:respond'], agentId: 'writer' },
    ]);
    const container = new Container();
    container.load(createCoreModule({}, { authenticator }), createMemoryTransportModule());
    engine = container.get(OrchestrationEngine);
    distributor = container.get(TaskDistributor);
    await engine.start();
    mailboxes = new AgentMailboxes(new InMemoryTransport(container.get(MemoryBus)), {
      leaseMs: 60_000,
      setStatus: (agentId, status) => distributor.updateAgentStatus({ agentId, status }, true),
    });
    http = new McpHttpServer(
      { engine, authenticator: container.get(TOKENS.Authenticator), mailboxes },
      {
        enabled: true,
        host: '127.0.0.1',
        port: 0,
        allowedOrigins: ['http://localhost:5173'],
        logger: new SilentLogger(),
      },
    );
    url = await http.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await http.stop();
    await mailboxes.stop();
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

  function text(result: CallToolResult): string {
    return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  }

  function state() {
    return { agents: distributor.listAgents(), tasks: distributor.listTasks() };
  }

  it('runs the whole loop through MCP alone: register, distribute, receive, answer, read', async () => {
    const agent = await connect(AGENT);
    const client = await connect(CLIENT);
    const registered = await call(agent, 'register_agent_with_distributor', {
      agent_id: 'writer',
      capabilities: ['write'],
      priority: 2,
      capacity: 3,
    });
    expect(registered.isError).toBeFalsy();
    expect(registered.structuredContent).toMatchObject({
      agent: { id: 'writer', capabilities: ['write'], capacity: 3 },
    });

    const distributed = await call(client, 'distribute_task', {
      task_id: 'poem-1',
      task_type: 'poem',
      required_capabilities: ['write'],
      task_data: { topic: 'rails' },
      sender_id: 'spec',
    });
    expect(distributed.structuredContent).toEqual({
      assignment: { taskId: 'poem-1', status: 'assigned', agentId: 'writer', strategy: 'capability_match', attempt: 1 },
    });
    expect(text(distributed)).toContain('went to writer');

    const received = await call(agent, 'receive_tasks', { agent_id: 'writer', timeout_ms: 1_000 });
    expect(received.structuredContent).toMatchObject({
      tasks: [{ taskId: 'poem-1', attempt: 1, taskType: 'poem', data: { topic: 'rails' } }],
    });
    const answered = await call(agent, 'handle_task_response', {
      task_id: 'poem-1',
      agent_id: 'writer',
      status: 'completed',
      result: { lines: ['steel and sky'] },
      attempt: 1,
    });
    expect(answered.structuredContent).toMatchObject({ task: { id: 'poem-1', status: 'completed' } });

    const read = await call(client, 'get_task', { task_id: 'poem-1' });
    expect(read.structuredContent).toMatchObject({
      task: { status: 'completed', result: { lines: ['steel and sky'] }, assignedAgentId: 'writer' },
    });

    // create_task + execute_task wait for the agent's answer.
    const created = await call(client, 'create_task', {
      task_type: 'poem',
      required_capabilities: ['write'],
      task_data: 'haiku',
    });
    const taskId = (created.structuredContent as { task: { id: string } }).task.id;
    const execution = call(client, 'execute_task', { task_id: taskId, timeout_ms: 5_000 });
    const next = await call(agent, 'receive_tasks', { agent_id: 'writer', timeout_ms: 2_000 });
    expect(next.structuredContent).toMatchObject({ tasks: [{ taskId }] });
    await call(agent, 'handle_task_response', {
      task_id: taskId,
      agent_id: 'writer',
      status: 'completed',
      result: 'five seven five',
    });
    expect((await execution).structuredContent).toMatchObject({
      result: { taskId, agentId: 'writer', status: 'completed', result: 'five seven five' },
    });
  });

  it('queues a task when every capable agent is busy and shows the queue depth by priority', async () => {
    const admin = await connect(ADMIN);
    await call(admin, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'], capacity: 1 });
    await call(admin, 'distribute_task', {
      task_id: 'q-1',
      task_type: 'poem',
      required_capabilities: ['write'],
      sender_id: 'spec',
    });
    const queued = await call(admin, 'distribute_task', {
      task_id: 'q-2',
      task_type: 'poem',
      required_capabilities: ['write'],
      sender_id: 'spec',
      priority: 'high',
    });
    expect(queued.structuredContent).toMatchObject({
      assignment: { taskId: 'q-2', status: 'queued', agentId: null, queueDepth: 1 },
    });
    const stats = await call(admin, 'get_queue_stats', {});
    expect(stats.structuredContent).toMatchObject({
      queue: { depth: 1, byPriority: { critical: 0, high: 1, normal: 0, low: 0 } },
    });
    expect(text(stats)).toContain('1 waiting');
  });

  it('cancels a queued task through cancel_task, for a caller that may distribute tasks', async () => {
    const admin = await connect(ADMIN);
    const agent = await connect(AGENT);
    await call(admin, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'], capacity: 1 });
    await call(admin, 'distribute_task', {
      task_id: 'c-1',
      task_type: 'poem',
      required_capabilities: ['write'],
      sender_id: 'spec',
    });
    await call(admin, 'distribute_task', {
      task_id: 'c-2',
      task_type: 'poem',
      required_capabilities: ['write'],
      sender_id: 'spec',
    });
    await expect(call(agent, 'cancel_task', { task_id: 'c-2' })).rejects.toThrow(
      /lacks the permission tasks:distribute/,
    );
    expect(distributor.getTask('c-2').status).toBe('queued');
    const cancelled = await call(admin, 'cancel_task', { task_id: 'c-2', reason: 'not wanted' });
    expect(cancelled.structuredContent).toMatchObject({ task: { id: 'c-2', status: 'cancelled' } });
    expect(text(cancelled)).toContain('not wanted');
    expect(distributor.queueStats().depth).toBe(0);
    const listed = await call(admin, 'list_tasks', { status: 'cancelled' });
    expect(listed.structuredContent).toMatchObject({ tasks: [{ id: 'c-2', status: 'cancelled' }] });
  });

  it('serves the agent list and each task as resources', async () => {
    const admin = await connect(ADMIN);
    await call(admin, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'] });
    const created = await call(admin, 'create_task', {
      task_id: 'res-1',
      task_type: 'poem',
      required_capabilities: ['write'],
    });
    expect(created.isError).toBeFalsy();
    const agents = await admin.readResource({ uri: 'switchyard://agents' });
    expect(JSON.parse((agents.contents[0] as { text: string }).text)).toMatchObject([{ id: 'writer' }]);
    const listed = await admin.listResources();
    expect(listed.resources.map((resource) => resource.uri)).toEqual(
      expect.arrayContaining(['switchyard://agents', 'switchyard://tasks/res-1']),
    );
    const task = await admin.readResource({ uri: 'switchyard://tasks/res-1' });
    expect(JSON.parse((task.contents[0] as { text: string }).text)).toMatchObject({ id: 'res-1', status: 'pending' });
  });

  it('notifies the client that the resource list changed when a task is created', async () => {
    const admin = await connect(ADMIN);
    let notified = 0;
    admin.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      notified++;
    });
    await call(admin, 'create_task', { task_type: 'poem', required_capabilities: ['write'] });
    await waitUntil(() => notified === 1, 'the list_changed notification arrives');
  });

  it('answers 401 with WWW-Authenticate without a token or with an unknown one, and changes nothing', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    };
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic abc' }] as Record<
      string,
      string
    >[]) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify(initialize),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="switchyard"/);
      expect(await response.json()).toMatchObject({ error: { data: { code: 'UNAUTHENTICATED' } } });
    }
    await expect(connect('wrong')).rejects.toThrow();
    expect(state()).toEqual({ agents: [], tasks: [] });
  });

  it('answers 403 to a tool call the token may not make, and changes nothing', async () => {
    const client = await connect(CLIENT);
    await expect(
      call(client, 'register_agent_with_distributor', { agent_id: 'x', capabilities: ['a'] }),
    ).rejects.toThrow(/lacks the permission agents:register/);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${CLIENT}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'unregister_agent_from_distributor', arguments: { agent_id: 'x' } },
      }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      id: 7,
      error: { data: { code: 'FORBIDDEN', tool: 'unregister_agent_from_distributor' } },
    });
    // An agent-bound token acts only as its own agent.
    const agent = await connect(AGENT);
    const other = await call(agent, 'register_agent_with_distributor', {
      agent_id: 'someone-else',
      capabilities: ['a'],
    });
    expect(other.isError).toBe(true);
    expect(text(other)).toContain('NOT_ASSIGNED_AGENT');
    expect(state()).toEqual({ agents: [], tasks: [] });
  });

  it('lists tasks, all of them or those with one status, up to a limit', async () => {
    const admin = await connect(ADMIN);
    await call(admin, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'] });
    await call(admin, 'create_task', { task_id: 'waiting-1', task_type: 'poem', required_capabilities: ['write'] });
    await call(admin, 'create_task', { task_id: 'waiting-2', task_type: 'poem', required_capabilities: ['write'] });
    await call(admin, 'distribute_task', {
      task_id: 'sent-1',
      task_type: 'poem',
      required_capabilities: ['write'],
      sender_id: 'spec',
    });
    const all = await call(admin, 'list_tasks', {});
    expect((all.structuredContent as { tasks: { id: string }[] }).tasks.map((task) => task.id)).toEqual([
      'waiting-1',
      'waiting-2',
      'sent-1',
    ]);
    const assigned = await call(admin, 'list_tasks', { status: 'assigned' });
    expect(assigned.structuredContent).toMatchObject({
      tasks: [{ id: 'sent-1', status: 'assigned', assignedAgentId: 'writer' }],
    });
    expect(text(assigned)).toBe('sent-1 poem assigned (agent writer)');
    const first = await call(admin, 'list_tasks', { limit: 1 });
    expect((first.structuredContent as { tasks: unknown[] }).tasks).toHaveLength(1);
  });

  it('serves the routes it is given next to /mcp, at their exact paths, and 404 elsewhere', async () => {
    const routed = new McpHttpServer(
      {
        engine,
        authenticator: await TokenAuthenticator.fromPlainTokens([{ token: 'x', permissions: ['admin'] }]),
        mailboxes,
      },
      {
        enabled: true,
        host: '127.0.0.1',
        port: 0,
        allowedOrigins: [],
        logger: new SilentLogger(),
        routes: [
          {
            path: '/hello',
            handle: (req, res) => {
              res.writeHead(200, { 'content-type': 'text/plain' });
              res.end(`hello ${req.method ?? ''}`);
              return Promise.resolve();
            },
          },
        ],
      },
    );
    const mcpUrl = await routed.start();
    try {
      const hello = await fetch(new URL('/hello?x=1', mcpUrl));
      expect(hello.status).toBe(200);
      expect(await hello.text()).toBe('hello GET');
      expect((await fetch(new URL('/hello/more', mcpUrl))).status).toBe(404);
      expect((await fetch(mcpUrl)).status).toBe(401);
    } finally {
      await routed.stop();
    }
  });

  it('says clearly when its port is taken', async () => {
    const port = Number(new URL(url).port);
    const second = new McpHttpServer(
      {
        engine,
        authenticator: await TokenAuthenticator.fromPlainTokens([{ token: 'x', permissions: ['admin'] }]),
        mailboxes,
      },
      { enabled: true, host: '127.0.0.1', port, allowedOrigins: [], logger: new SilentLogger() },
    );
    await expect(second.start()).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      message: `Cannot serve MCP on 127.0.0.1:${String(port)}: the port is in use; set mcp.http.port (0 picks a free one)`,
    });
  });

  it('refuses browser requests from origins not allowed', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { origin: 'http://evil.example', authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(403);
  });

  it('passes a task weight through create_task and distribute_task, and refuses one no capable agent could hold', async () => {
    const admin = await connect(ADMIN);
    await call(admin, 'register_agent_with_distributor', { agent_id: 'lifter', capabilities: ['lift'], capacity: 4 });
    const distributed = await call(admin, 'distribute_task', {
      task_id: 'w3',
      task_type: 't',
      required_capabilities: ['lift'],
      sender_id: 's',
      weight: 3,
    });
    expect(distributed.structuredContent).toMatchObject({ assignment: { status: 'assigned', agentId: 'lifter' } });
    expect(distributor.getAgent('lifter').load).toBe(3);
    const created = await call(admin, 'create_task', { task_type: 't', required_capabilities: ['lift'], weight: 2 });
    const createdId = (created.structuredContent as { task: { id: string } }).task.id;
    expect(distributor.getTask(createdId).weight).toBe(2);
    const before = state();
    const tooHeavy = await call(admin, 'distribute_task', {
      task_id: 'w5',
      task_type: 't',
      required_capabilities: ['lift'],
      sender_id: 's',
      weight: 5,
    });
    expect(tooHeavy.isError).toBe(true);
    expect(text(tooHeavy)).toMatch(/TASK_TOO_HEAVY/);
    for (const weight of [1.5, 0, 1_000_001]) {
      const refused = await call(admin, 'create_task', { task_type: 't', required_capabilities: ['lift'], weight });
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/VALIDATION_FAILED: weight: /);
    }
    expect(state()).toEqual(before);
  });

  it('rejects malformed arguments on every tool, naming the fields, and changes nothing', async () => {
    const admin = await connect(ADMIN);
    await call(admin, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'] });
    const before = state();
    const malformed: Record<string, { args: Record<string, unknown>; field: RegExp }> = {
      create_task: {
        args: { task_type: 'poem', required_capabilities: ['write'], max_attempts: 0 },
        field: /max_attempts: /,
      },
      execute_task: { args: { task_id: 'no such task!' }, field: /task_id/ },
      cancel_task: { args: { task_id: 'q-1', reason: '' }, field: /reason/ },
      distribute_task: {
        args: { task_id: 'd1', task_type: 't', required_capabilities: ['bad capability!'], sender_id: 's' },
        field: /required_capabilities\.0/,
      },
      handle_task_response: { args: { task_id: 't', agent_id: 'writer', status: 'done' }, field: /status/ },
      register_agent_with_distributor: { args: { agent_id: 'has space', capabilities: ['a'] }, field: /agent_id/ },
      unregister_agent_from_distributor: { args: { agent_id: 42 }, field: /agent_id/ },
      update_agent_status_in_distributor: { args: { agent_id: 'writer', current_load: -1 }, field: /current_load/ },
      get_task: { args: { task_id: '' }, field: /task_id/ },
      list_agents: { args: { surprise: true }, field: /surprise/ },
      list_tasks: { args: { status: 'lost', limit: 0 }, field: /status.*limit|limit.*status/ },
      get_queue_stats: { args: { surprise: true }, field: /surprise/ },
      receive_tasks: { args: { agent_id: 'writer', max_tasks: 0 }, field: /max_tasks/ },
      report_progress: { args: { task_id: 't', agent_id: 'writer', attempt: 0, fence: 'f' }, field: /attempt/ },
    };
    expect(Object.keys(malformed).sort()).toEqual(SWITCHYARD_TOOLS.map((tool) => tool.name).sort());
    for (const [name, { args, field }] of Object.entries(malformed)) {
      const result = await call(admin, name, args);
      expect(result.isError, name).toBe(true);
      expect(text(result), name).toMatch(field);
    }
    expect(state()).toEqual(before);
  });
});
