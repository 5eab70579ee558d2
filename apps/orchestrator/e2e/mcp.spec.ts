import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { appRoot, CliProcess, cliPath } from './cli-process.js';

const exampleConfig = join(appRoot, 'switchyard.example.yaml');
const quietEnv = {
  SWITCHYARD_DEMO__TASKS_PER_SECOND: '0',
  SWITCHYARD_LOGGING__LEVEL: 'warn',
  SWITCHYARD_MCP__HTTP__PORT: '0',
};

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError === true) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result;
}

/** The full loop through MCP alone: an MCP-client agent registers, gets its task and answers it. */
async function fullLoop(client: Client): Promise<void> {
  await call(client, 'register_agent_with_distributor', { agent_id: 'mcp-poet', capabilities: ['poetry'] });
  const distributed = await call(client, 'distribute_task', {
    task_id: 'ode-1',
    task_type: 'ode',
    required_capabilities: ['poetry'],
    task_data: 'to NATS',
    sender_id: 'e2e',
  });
  expect(distributed.structuredContent).toMatchObject({ assignment: { agentId: 'mcp-poet' } });
  const received = await call(client, 'receive_tasks', { agent_id: 'mcp-poet', timeout_ms: 5_000 });
  expect(received.structuredContent).toMatchObject({ tasks: [{ taskId: 'ode-1', data: 'to NATS' }] });
  await call(client, 'handle_task_response', {
    task_id: 'ode-1',
    agent_id: 'mcp-poet',
    status: 'completed',
    result: 'O subjects, ever routed',
  });
  const read = await call(client, 'get_task', { task_id: 'ode-1' });
  expect(read.structuredContent).toMatchObject({ task: { status: 'completed', result: 'O subjects, ever routed' } });
}

describe('the MCP server from the switchyard CLI', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('serves every tool over stdio (switchyard mcp --stdio) and runs the whole loop, logging on stderr only', async () => {
    const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cliPath, 'mcp', '--stdio', '--config', exampleConfig, '--log-level', 'debug'],
      env: { ...(process.env as Record<string, string>), ...quietEnv },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A log line on stdout would reach the client as a message it cannot parse.
    const protocolErrors: Error[] = [];
    client.onerror = (error) => protocolErrors.push(error);
    await client.connect(transport);
    cleanups.push(() => client.close());
    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name).sort()).toEqual([
      'cancel_task',
      'create_task',
      'distribute_task',
      'execute_task',
      'get_queue_stats',
      'get_task',
      'handle_task_response',
      'list_agents',
      'list_tasks',
      'receive_tasks',
      'register_agent_with_distributor',
      'report_progress',
      'unregister_agent_from_distributor',
      'update_agent_status_in_distributor',
    ]);
    const agents = await call(client, 'list_agents');
    expect((agents.structuredContent as { agents: unknown[] }).agents).toHaveLength(5);
    await fullLoop(client);
    // A demo agent answers a task created and executed through MCP.
    const created = await call(client, 'create_task', {
      task_type: 'summarize',
      required_capabilities: ['summarize'],
      task_data: { prompt: 'hello' },
    });
    const taskId = (created.structuredContent as { task: { id: string } }).task.id;
    const executed = await call(client, 'execute_task', { task_id: taskId, timeout_ms: 10_000 });
    expect(executed.structuredContent).toMatchObject({
      result: { taskId, status: 'completed', result: { input: { prompt: 'hello' } } },
    });
    expect(stderr).toMatch(new RegExp(`DEBUG.*: task completed taskId=${taskId} agentId=summarizer`));
    expect(protocolErrors).toEqual([]);
  });

  it('serves over Streamable HTTP from switchyard start, with the admin token it prints', async () => {
    const daemon = new CliProcess(['start', '--config', exampleConfig], quietEnv);
    cleanups.push(async () => {
      daemon.kill('SIGTERM');
      await daemon.exited;
    });
    await daemon.waitFor(/Press Ctrl-C to stop/);
    const url = /MCP \(HTTP\):\s+(\S+)/.exec(daemon.stdout)?.[1];
    const token = /admin token:\s+(\S+)/.exec(daemon.stdout)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(token).toBeDefined();
    const client = new Client({ name: 'e2e-http', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url as string), {
        requestInit: { headers: { Authorization: `Bearer ${token as string}` } },
      }),
    );
    cleanups.push(() => client.close());
    const agents = await call(client, 'list_agents');
    expect((agents.structuredContent as { agents: { id: string }[] }).agents.map((agent) => agent.id)).toContain(
      'writer-1',
    );
    await fullLoop(client);
    const anonymous = await fetch(url as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    expect(daemon.stdout + daemon.stderr).not.toContain(`Bearer ${token as string}`);
  });
});
