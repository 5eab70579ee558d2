import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { waitUntil } from '@switchyard/testing';
import { createCoreModule, OrchestrationEngine, SilentLogger, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentMailboxes } from './agent-mailboxes.js';
import type { McpHttpServerOptions } from './mcp-http-server.js';
import { McpHttpServer } from './mcp-http-server.js';

const ADMIN = 'admin-token';
const VIEWER = 'viewer-token';
const AGENT = 'agent-token';
const OTHER_AGENT = 'other-agent-token';
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

interface Fixture {
  readonly url: string;
  readonly http: McpHttpServer;
  readonly distributor: TaskDistributor;
  readonly engine: OrchestrationEngine;
  readonly mailboxes: AgentMailboxes;
  readonly connect: (token: string) => Promise<Client>;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(options: Partial<McpHttpServerOptions> = {}, leaseMs = 60_000): Promise<Fixture> {
  const authenticator = await TokenAuthenticator.fromPlainTokens([
    { token: ADMIN, permissions: ['admin'] },
    { token: VIEWER, permissions: ['ops:read'] },
    { token: AGENT, permissions: ['agents:register', 'tasks:respond'], agentId: 'writer' },
    { token: OTHER_AGENT, permissions: ['agents:register', 'tasks:respond'], agentId: 'helper' },
  ]);
  const container = new Container();
  container.load(createCoreModule({}, { authenticator }), createMemoryTransportModule());
  const engine = container.get(OrchestrationEngine);
  const distributor = container.get(TaskDistributor);
  await engine.start();
  const mailboxes = new AgentMailboxes(new InMemoryTransport(container.get(MemoryBus)), {
    leaseMs,
    setStatus: (agentId, status) => distributor.updateAgentStatus({ agentId, status }, true),
  });
  const http = new McpHttpServer(
    { engine, authenticator, mailboxes },
    { port: 0, allowedOrigins: ['http://allowed.example'], logger: new SilentLogger(), ...options },
  );
  const url = await http.start();
  const clients: Client[] = [];
  cleanups.push(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await http.stop();
    await mailboxes.stop();
    await engine.stop();
  });
  return {
    url,
    http,
    distributor,
    engine,
    mailboxes,
    connect: async (token) => {
      const client = new Client({ name: 'spec', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { Authorization: `Bearer ${token}` } },
        }),
      );
      clients.push(client);
      return client;
    },
  };
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  return (await client.callTool(
    { name, arguments: args },
    undefined,
    signal === undefined ? {} : { signal },
  )) as CallToolResult;
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

async function post(
  url: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...JSON_HEADERS, authorization: `Bearer ${token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function rawSession(url: string, token: string): Promise<string> {
  const response = await post(url, token, INITIALIZE);
  expect(response.status).toBe(200);
  // Whole JSON answers, not SSE events.
  expect(response.headers.get('content-type')).toContain('application/json');
  await response.body?.cancel();
  return response.headers.get('mcp-session-id') ?? '';
}

describe('MCP sessions', () => {
  it('answers 404 to an unknown session id, and to a session another token opened (GET stream, POST and DELETE)', async () => {
    const { url, http } = await serve();
    const unknown = await post(
      url,
      ADMIN,
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { 'mcp-session-id': 'no-such-session' },
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { data: { code: 'SESSION_NOT_FOUND' } } });

    const adminSession = await rawSession(url, ADMIN);
    const asViewer = { authorization: `Bearer ${VIEWER}`, 'mcp-session-id': adminSession, accept: 'text/event-stream' };
    expect((await fetch(url, { method: 'GET', headers: asViewer })).status).toBe(404);
    expect((await fetch(url, { method: 'DELETE', headers: asViewer })).status).toBe(404);
    expect(
      (await post(url, VIEWER, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'mcp-session-id': adminSession }))
        .status,
    ).toBe(404);
    // The owner's session survived all of that.
    expect(http.sessionCount).toBe(1);
    const listed = await post(
      url,
      ADMIN,
      { jsonrpc: '2.0', id: 4, method: 'tools/list' },
      { 'mcp-session-id': adminSession, 'mcp-protocol-version': '2025-06-18' },
    );
    expect(listed.status).toBe(200);
    expect(
      (
        await fetch(url, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${ADMIN}`, 'mcp-session-id': adminSession },
        })
      ).status,
    ).toBe(200);
    expect(http.sessionCount).toBe(0);
  });

  it('closes a session idle for sessionIdleMs; its id then answers 404', async () => {
    const { url, http } = await serve({ sessionIdleMs: 1_000 });
    const session = await rawSession(url, ADMIN);
    await waitUntil(() => http.sessionCount === 0, 'the idle session is closed', 20_000);
    expect(
      (await post(url, ADMIN, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': session })).status,
    ).toBe(404);
  });

  it('keeps at most maxSessionsPerPrincipal sessions per token under 6,000 initializes that never DELETE', async () => {
    const { url, http } = await serve({ maxSessionsPerPrincipal: 16 });
    const viewer = await rawSession(url, VIEWER);
    for (let batch = 0; batch < 300; batch++) {
      await Promise.all(Array.from({ length: 20 }, () => rawSession(url, ADMIN)));
    }
    expect(http.sessionCount).toBe(17);
    // Another token's session is not evicted by the flood.
    expect(
      (
        await post(
          url,
          VIEWER,
          { jsonrpc: '2.0', id: 2, method: 'tools/list' },
          { 'mcp-session-id': viewer, 'mcp-protocol-version': '2025-06-18' },
        )
      ).status,
    ).toBe(200);
  }, 120_000);
});

describe('MCP sessions at the cap', () => {
  it('refuses (429) a new session while every session of that token is busy', async () => {
    const { url, mailboxes, engine } = await serve({ maxSessionsPerPrincipal: 1 });
    await engine.registerAgentWithDistributor({ authToken: ADMIN, agentId: 'writer', capabilities: ['write'] });
    await mailboxes.open('writer');
    const session = await rawSession(url, AGENT);
    const poll = post(
      url,
      AGENT,
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'receive_tasks', arguments: { agent_id: 'writer', timeout_ms: 2_000 } },
      },
      { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
    );
    await waitUntil(() => mailboxes.waitingPolls('writer') === 1, 'the poll keeps the session busy');
    const refused = await post(url, AGENT, INITIALIZE);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { data: { code: 'TOO_MANY_SESSIONS' } } });
    expect((await poll).status).toBe(200);
    // Idle again: the next initialize replaces it.
    expect((await post(url, AGENT, INITIALIZE)).status).toBe(200);
  });
});

describe('agents over MCP', () => {
  it('a cancelled receive_tasks takes nothing: the task goes to the next live poll', async () => {
    const { connect, mailboxes } = await serve();
    const agent = await connect(AGENT);
    const admin = await connect(ADMIN);
    await call(agent, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'] });
    const cancel = new AbortController();
    const abandoned = call(agent, 'receive_tasks', { agent_id: 'writer', timeout_ms: 30_000 }, cancel.signal);
    await waitUntil(() => mailboxes.waitingPolls('writer') === 1, 'the poll waits at the server');
    cancel.abort();
    await expect(abandoned).rejects.toThrow();
    await waitUntil(() => mailboxes.waitingPolls('writer') === 0, 'the server drops the cancelled poll');
    await call(admin, 'distribute_task', {
      task_id: 'after-cancel',
      task_type: 'poem',
      required_capabilities: ['write'],
      sender_id: 'spec',
    });
    const live = await call(agent, 'receive_tasks', { agent_id: 'writer', timeout_ms: 5_000 });
    expect(live.structuredContent).toMatchObject({ tasks: [{ taskId: 'after-cancel', attempt: 1 }] });
  });

  it('a receive_tasks whose connection dropped takes nothing', async () => {
    const { url, connect, mailboxes } = await serve();
    const agent = await connect(AGENT);
    const admin = await connect(ADMIN);
    await call(agent, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'] });
    const session = await rawSession(url, AGENT);
    const headers = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
    const pollBody = (id: number): unknown => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'receive_tasks', arguments: { agent_id: 'writer', timeout_ms: 30_000 } },
    });
    const dropped = new AbortController();
    const abandoned = fetch(url, {
      method: 'POST',
      signal: dropped.signal,
      headers: { ...JSON_HEADERS, authorization: `Bearer ${AGENT}`, ...headers },
      body: JSON.stringify(pollBody(10)),
    });
    await waitUntil(() => mailboxes.waitingPolls('writer') === 1, 'the first poll waits at the server');
    dropped.abort();
    await expect(abandoned).rejects.toThrow();
    await waitUntil(() => mailboxes.waitingPolls('writer') === 0, 'the server drops the poll whose connection closed');
    const poll = post(url, AGENT, pollBody(11), headers);
    await waitUntil(() => mailboxes.waitingPolls('writer') === 1, 'the live poll waits at the server');
    await call(admin, 'distribute_task', {
      task_id: 'after-drop',
      task_type: 'poem',
      required_capabilities: ['write'],
      sender_id: 'spec',
    });
    const answered = (await (await poll).json()) as { result: { structuredContent: unknown } };
    expect(answered.result.structuredContent).toMatchObject({ tasks: [{ taskId: 'after-drop' }] });
  });

  it('an MCP agent that stops polling goes offline when its lease lapses; its task goes to another agent; polling again brings it back', async () => {
    const { connect, distributor } = await serve({}, 1_500);
    const writer = await connect(AGENT);
    const helper = await connect(OTHER_AGENT);
    const admin = await connect(ADMIN);
    await call(writer, 'register_agent_with_distributor', {
      agent_id: 'writer',
      capabilities: ['write'],
      priority: 10,
    });
    await call(admin, 'distribute_task', {
      task_id: 'leased',
      task_type: 'poem',
      required_capabilities: ['write'],
      sender_id: 'spec',
      strategy: 'priority_based',
    });
    expect(distributor.listTasks().find((task) => task.id === 'leased')?.assignedAgentId).toBe('writer');
    await call(helper, 'register_agent_with_distributor', { agent_id: 'helper', capabilities: ['write'] });
    // The helper keeps polling (renewing its lease); the writer does not.
    let received: CallToolResult | undefined;
    while (received === undefined || (received.structuredContent as { tasks: unknown[] }).tasks.length === 0) {
      received = await call(helper, 'receive_tasks', { agent_id: 'helper', timeout_ms: 200 });
    }
    expect(received.structuredContent).toMatchObject({ tasks: [{ taskId: 'leased', attempt: 2 }] });
    expect(distributor.listAgents().find((agent) => agent.id === 'writer')?.status).toBe('offline');
    await call(writer, 'receive_tasks', { agent_id: 'writer', timeout_ms: 0 });
    expect(distributor.listAgents().find((agent) => agent.id === 'writer')?.status).toBe('online');
  });
});

describe('request bodies', () => {
  it('answers 401 before reading the body of a caller without a valid token', async () => {
    const { url } = await serve({ maxBodyBytes: 2_048 });
    const response = await fetch(url, { method: 'POST', headers: JSON_HEADERS, body: 'x'.repeat(100_000) });
    expect(response.status).toBe(401);
  });

  it('answers 413 to a body over maxBodyBytes, declared or streamed, and changes nothing', async () => {
    const { url, distributor } = await serve({ maxBodyBytes: 2_048 });
    const session = await rawSession(url, ADMIN);
    const big = {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: {
        name: 'create_task',
        arguments: { task_type: 't', required_capabilities: [], task_data: 'x'.repeat(5_000) },
      },
    };
    const declared = await post(url, ADMIN, big, { 'mcp-session-id': session });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { data: { code: 'BODY_TOO_LARGE' } } });
    const chunks = [JSON.stringify(big).slice(0, 1_000), JSON.stringify(big).slice(1_000)];
    const streamed = await fetch(url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${ADMIN}`, 'mcp-session-id': session },
      body: new ReadableStream({
        start: (controller) => {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect(distributor.listTasks()).toEqual([]);
  });

  it('refuses a body nested 2 million levels at the first level too many', async () => {
    const { url, connect } = await serve({ maxBodyBytes: 8 * 1024 * 1024 });
    const admin = await connect(ADMIN);
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_task","arguments":{"task_type":"t","required_capabilities":[],"task_data":${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}}}}`;
    const started = performance.now();
    const response = await post(url, ADMIN, deep);
    const refusedInMs = performance.now() - started;
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { data: { code: 'BODY_TOO_DEEP' } } });
    console.info(`2M-deep body (${String(deep.length)} bytes) refused in ${refusedInMs.toFixed(1)} ms`);
    // The server is still answering.
    expect((await call(admin, 'get_queue_stats', {})).isError).toBeFalsy();
  });

  it('answers a tools/call without params, or with arguments that are not an object, with VALIDATION_FAILED naming the field', async () => {
    const { url } = await serve();
    const session = await rawSession(url, ADMIN);
    const headers = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
    const bare = await post(url, ADMIN, { jsonrpc: '2.0', id: 5, method: 'tools/call' }, headers);
    expect(bare.status).toBe(400);
    expect(await bare.json()).toMatchObject({
      id: 5,
      error: { code: -32602, data: { code: 'VALIDATION_FAILED', issues: [{ field: 'params.name' }] } },
    });
    const listArgs = await post(
      url,
      ADMIN,
      { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'get_task', arguments: [1] } },
      headers,
    );
    expect(await listArgs.json()).toMatchObject({
      error: { data: { code: 'VALIDATION_FAILED', issues: [{ field: 'params.arguments' }] } },
    });
  });
});

describe('tool schemas and results', () => {
  it('lists enums for every closed set and the exact shape of error', async () => {
    const { connect } = await serve();
    const { tools } = await (await connect(ADMIN)).listTools();
    const property = (tool: string, name: string): Record<string, unknown> =>
      (
        tools.find((candidate) => candidate.name === tool)?.inputSchema.properties as Record<
          string,
          Record<string, unknown>
        >
      )[name] ?? {};
    expect(property('create_task', 'priority')).toMatchObject({ enum: ['low', 'normal', 'high', 'critical'] });
    expect(property('distribute_task', 'priority')).toMatchObject({ enum: ['low', 'normal', 'high', 'critical'] });
    expect(property('handle_task_response', 'status')).toMatchObject({ enum: ['completed', 'failed'] });
    expect(property('list_tasks', 'status')).toMatchObject({
      enum: ['pending', 'queued', 'assigned', 'completed', 'failed', 'dead_lettered', 'cancelled'],
    });
    expect(property('list_tasks', 'order')).toMatchObject({ enum: ['oldest', 'newest'] });
    expect(property('update_agent_status_in_distributor', 'status')).toMatchObject({
      enum: ['online', 'offline', 'draining'],
    });
    expect(property('handle_task_response', 'error')).toMatchObject({
      type: 'object',
      required: ['message'],
      additionalProperties: false,
      properties: { message: { type: 'string' }, code: { type: 'string' }, permanent: { type: 'boolean' } },
    });
    expect(String(property('create_task', 'strategy').description)).toContain('round_robin');
    expect(tools.find((tool) => tool.name === 'unregister_agent_from_distributor')?.description).toContain('requeued');
  });

  it('reports schema failures as VALIDATION_FAILED with the field path, like engine errors', async () => {
    const { connect, distributor } = await serve();
    const admin = await connect(ADMIN);
    const failed = await call(admin, 'create_task', {
      task_type: 't',
      required_capabilities: ['a', 7],
      priority: 'urgent',
    });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toMatch(/^VALIDATION_FAILED: /);
    const payload = JSON.parse((failed.content[1] as { text: string }).text) as {
      error: { code: string; details: { issues: { field: string }[] } };
    };
    expect(payload.error.code).toBe('VALIDATION_FAILED');
    expect(payload.error.details.issues.map((issue) => issue.field).sort()).toEqual([
      'priority',
      'required_capabilities.1',
    ]);
    const badError = await call(admin, 'handle_task_response', {
      task_id: 't',
      agent_id: 'a',
      status: 'failed',
      error: { reason: 'x' },
    });
    expect(text(badError)).toMatch(/VALIDATION_FAILED: error/);
    expect(distributor.listTasks()).toEqual([]);
  });

  it('keeps results under maxResultBytes: large data is left to the task resource, which holds all of it', async () => {
    const { connect } = await serve({ maxResultBytes: 4_096 });
    const agent = await connect(AGENT);
    const admin = await connect(ADMIN);
    await call(agent, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'] });
    const data = { text: 'x'.repeat(20_000) };
    const created = await call(admin, 'create_task', {
      task_id: 'big',
      task_type: 'poem',
      required_capabilities: ['write'],
      task_data: data,
    });
    expect(created.structuredContent).toMatchObject({
      task: { id: 'big', status: 'pending', resource: 'switchyard://tasks/big' },
    });
    expect(created.content).toContainEqual(
      expect.objectContaining({ type: 'resource_link', uri: 'switchyard://tasks/big' }),
    );
    expect(JSON.stringify(created.structuredContent)).not.toContain('xxxx');
    const read = await call(admin, 'get_task', { task_id: 'big' });
    expect(read.structuredContent).toMatchObject({ task: { id: 'big', omitted: ['data', 'result', 'history'] } });
    const execution = call(admin, 'execute_task', { task_id: 'big', timeout_ms: 10_000 });
    const received = await call(agent, 'receive_tasks', { agent_id: 'writer', timeout_ms: 5_000 });
    expect(received.structuredContent).toMatchObject({
      tasks: [{ taskId: 'big', data: null, dataOmitted: true, resource: 'switchyard://tasks/big' }],
    });
    const resource = await agent.readResource({ uri: 'switchyard://tasks/big' });
    expect(JSON.parse((resource.contents[0] as { text: string }).text)).toMatchObject({ id: 'big', data });
    await call(agent, 'handle_task_response', {
      task_id: 'big',
      agent_id: 'writer',
      status: 'completed',
      result: data,
      attempt: 1,
    });
    expect((await execution).structuredContent).toMatchObject({
      result: { taskId: 'big', status: 'completed', result: null, omitted: ['result'] },
    });
  });

  it('pages list_tasks and list_agents with a cursor', async () => {
    const { connect } = await serve();
    const admin = await connect(ADMIN);
    for (const id of ['t1', 't2', 't3'])
      await call(admin, 'create_task', { task_id: id, task_type: 'poem', required_capabilities: ['write'] });
    for (const id of ['a1', 'a2', 'a3'])
      await call(admin, 'register_agent_with_distributor', { agent_id: id, capabilities: ['other'] });
    const first = (await call(admin, 'list_tasks', { limit: 2 })).structuredContent as {
      tasks: { id: string; data?: unknown }[];
      next_cursor: string | null;
    };
    expect(first.tasks.map((task) => task.id)).toEqual(['t1', 't2']);
    expect(first.tasks[0]).not.toHaveProperty('data');
    const second = (await call(admin, 'list_tasks', { limit: 2, cursor: first.next_cursor })).structuredContent as {
      tasks: { id: string }[];
      next_cursor: string | null;
    };
    expect(second).toMatchObject({ tasks: [{ id: 't3' }], next_cursor: null });
    const agents = (await call(admin, 'list_agents', { limit: 2 })).structuredContent as {
      agents: { id: string }[];
      next_cursor: string | null;
    };
    expect(agents).toMatchObject({ agents: [{ id: 'a1' }, { id: 'a2' }], next_cursor: 'a2' });
    expect((await call(admin, 'list_agents', { cursor: 'a2' })).structuredContent).toMatchObject({
      agents: [{ id: 'a3' }],
      next_cursor: null,
    });
  });

  it('lets a token bound to an agent read only its own tasks', async () => {
    const { connect } = await serve();
    const writer = await connect(AGENT);
    const admin = await connect(ADMIN);
    await call(writer, 'register_agent_with_distributor', { agent_id: 'writer', capabilities: ['write'] });
    await call(admin, 'create_task', { task_id: 'not-yours', task_type: 'poem', required_capabilities: ['write'] });
    expect(text(await call(writer, 'get_task', { task_id: 'not-yours' }))).toContain('TASK_NOT_FOUND');
    expect((await call(writer, 'list_tasks', {})).structuredContent).toMatchObject({ tasks: [] });
  });
});

describe('browsers', () => {
  it('answers a CORS preflight from an allowed origin without a token, and refuses other origins', async () => {
    const { url } = await serve();
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://allowed.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, mcp-session-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('mcp-session-id');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE, OPTIONS');
    const initialized = await post(url, ADMIN, INITIALIZE, { origin: 'http://allowed.example' });
    expect(initialized.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
    expect(initialized.headers.get('access-control-expose-headers')).toContain('mcp-session-id');
    const refused = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
