import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { SwitchyardAgent } from '@switchyard/agent';
import { createCoreModule, OrchestrationEngine, SilentLogger, TokenAuthenticator, TOKENS } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentMailboxes } from './agent-mailboxes.js';
import { McpHttpServer } from './mcp-http-server.js';

const CLIENT = 'client-token';
const MAILBOX_AGENT = 'mailbox-agent-token';
const STEPS = ['reading', 'thinking', 'writing', 'checking'];

describe('execute_task streams the task’s progress as MCP progress notifications', () => {
  let http: McpHttpServer;
  let url: string;
  let engine: OrchestrationEngine;
  let mailboxes: AgentMailboxes;
  let agent: SwitchyardAgent;
  let client: Client;

  beforeEach(async () => {
    const authenticator = await TokenAuthenticator.fromPlainTokens([
      { token: CLIENT, permissions: ['tasks:create', 'tasks:distribute', 'tasks:read'] },
      { token: MAILBOX_AGENT, permissions: ['agents:register', 'agents:update', 'tasks:respond'], agentId: 'poller' },
    ]);
    const container = new Container();
    container.load(createCoreModule({}, { authenticator }), createMemoryTransportModule());
    engine = container.get(OrchestrationEngine);
    const distributor = container.get(TaskDistributor);
    await engine.start();
    const bus = container.get(MemoryBus);
    mailboxes = new AgentMailboxes(new InMemoryTransport(bus), {
      leaseMs: 60_000,
      setStatus: (agentId, status) => distributor.updateAgentStatus({ agentId, status }, true),
    });
    // An SDK agent that reports each step (no coalescing: every report goes out).
    agent = new SwitchyardAgent(
      { agentId: 'writer', capabilities: ['write'], progressIntervalMs: 0 },
      new InMemoryTransport(bus),
      async (task, context) => {
        for (const [index, step] of STEPS.entries()) {
          context.progress({ message: step, fraction: (index + 1) / STEPS.length, partial: { step } });
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        return { poem: `about ${JSON.stringify(task.data)}` };
      },
    );
    await agent.start();
    http = new McpHttpServer(
      { engine, authenticator: container.get(TOKENS.Authenticator), mailboxes },
      { enabled: true, host: '127.0.0.1', port: 0, allowedOrigins: [], logger: new SilentLogger() },
    );
    url = await http.start();
    client = await connect(CLIENT);
  });

  const others: Client[] = [];
  async function connect(token: string): Promise<Client> {
    const connected = new Client({ name: 'progress-spec', version: '1.0.0' });
    await connected.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    if (token !== CLIENT) others.push(connected);
    return connected;
  }

  afterEach(async () => {
    await Promise.all(others.splice(0).map((other) => other.close()));
    await client.close();
    await http.stop();
    await agent.stop();
    await mailboxes.stop();
    await engine.stop();
  });

  function text(result: CallToolResult): string {
    return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  }

  async function createTask(taskId: string): Promise<void> {
    const created = (await client.callTool({
      name: 'create_task',
      arguments: { task_id: taskId, task_type: 'poem', required_capabilities: ['write'], task_data: 'rails' },
    })) as CallToolResult;
    expect(created.isError).toBeFalsy();
  }

  it('a caller that sent a progressToken gets a notification per report, then the result', async () => {
    await createTask('poem-progress');
    const notified: Progress[] = [];
    const result = (await client.callTool(
      { name: 'execute_task', arguments: { task_id: 'poem-progress', timeout_ms: 30_000 } },
      undefined,
      // The SDK sends a progressToken in _meta when onprogress is given.
      { onprogress: (progress) => notified.push(progress) },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      result: { taskId: 'poem-progress', status: 'completed', result: { poem: 'about "rails"' } },
    });
    // Over HTTP the notifications travel on the session's stream and the answer on the call's
    // own: the last report and the answer may cross, so the last notification may come too late.
    expect(notified.length).toBeGreaterThanOrEqual(3);
    expect(notified).toEqual(
      [
        { progress: 25, total: 100, message: 'reading' },
        { progress: 50, total: 100, message: 'thinking' },
        { progress: 75, total: 100, message: 'writing' },
        { progress: 100, total: 100, message: 'checking' },
      ].slice(0, notified.length),
    );
  });

  it('a caller without a progressToken gets the result alone', async () => {
    await createTask('poem-quiet');
    // A progress notification nobody asked for would reach the client as an unknown token.
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    const result = (await client.callTool({
      name: 'execute_task',
      arguments: { task_id: 'poem-quiet', timeout_ms: 30_000 },
    })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ result: { taskId: 'poem-quiet', status: 'completed' } });
    expect(errors).toEqual([]);
  });

  it('an agent polling over MCP reports progress with report_progress; a stale or bad report is refused', async () => {
    const poller = await connect(MAILBOX_AGENT);
    const call = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> =>
      (await poller.callTool({ name, arguments: args })) as CallToolResult;
    await call('register_agent_with_distributor', { agent_id: 'poller', capabilities: ['poll'] });
    const created = (await client.callTool({
      name: 'create_task',
      arguments: { task_id: 'polled', task_type: 'poll', required_capabilities: ['poll'] },
    })) as CallToolResult;
    expect(created.isError).toBeFalsy();
    const notified: Progress[] = [];
    const executing = client.callTool(
      { name: 'execute_task', arguments: { task_id: 'polled', timeout_ms: 30_000 } },
      undefined,
      { onprogress: (progress) => notified.push(progress) },
    );
    const received = await call('receive_tasks', { agent_id: 'poller', timeout_ms: 30_000 });
    const [task] = (received.structuredContent as { tasks: { taskId: string; attempt: number; fence: string }[] })
      .tasks;
    expect(task?.taskId).toBe('polled');
    const held = { task_id: 'polled', agent_id: 'poller', attempt: task?.attempt, fence: task?.fence };
    for (const message of ['one', 'two', 'three']) {
      const reported = await call('report_progress', { ...held, message, partial: { upTo: message } });
      expect(reported.isError).toBeFalsy();
      expect(reported.structuredContent).toMatchObject({ progress: { taskId: 'polled', agentId: 'poller', message } });
    }
    const stale = await call('report_progress', { ...held, fence: 'another-fence', message: 'forged' });
    expect(stale.isError).toBe(true);
    expect(text(stale)).toContain('STALE_ATTEMPT');
    const bad = await call('report_progress', { ...held, fraction: 2 });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain('VALIDATION_FAILED: fraction');
    // The task keeps its last report, partial included, for anyone who reads it.
    const read = (await client.callTool({ name: 'get_task', arguments: { task_id: 'polled' } })) as CallToolResult;
    expect(read.structuredContent).toMatchObject({
      task: { progress: { message: 'three', partial: { upTo: 'three' }, attempt: task?.attempt, agentId: 'poller' } },
    });
    await call('handle_task_response', { ...held, status: 'completed', result: 'polled and done' });
    const result = (await executing) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ result: { result: 'polled and done' } });
    // The reports were answered before the task was: every notification came before the result.
    expect(notified.map((progress) => progress.message)).toEqual(['one', 'two', 'three']);
    expect(notified.map((progress) => progress.progress)).toEqual([1, 2, 3]);
    expect(engine.droppedProgressReports()).toEqual([{ code: 'STALE_ATTEMPT', count: 1 }]);
  });
});
