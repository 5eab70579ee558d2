import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { AuthenticationError, AuthorizationError, SwitchyardError, ValidationError } from '@switchyard/core';
import { z } from 'zod';
import type { ClientTarget } from './client-target.js';
import { fetchWithOwnSignal } from './fetch-with-own-signal.js';
import { OrchestratorUnreachableError } from './orchestrator-unreachable-error.js';
import { RemoteError } from './remote-error.js';

const AgentRowSchema = z.looseObject({
  id: z.string(),
  capabilities: z.array(z.string()),
  status: z.string(),
  load: z.number(),
  capacity: z.number().nullable(),
  priority: z.number(),
  stats: z.looseObject({ completed: z.number(), failed: z.number(), latencyEwmaMs: z.number().nullable() }),
});

const TaskRowSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  status: z.string(),
  priority: z.string(),
  assignedAgentId: z.string().nullable(),
  attempts: z.number(),
  maxAttempts: z.number(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  error: z.looseObject({ message: z.string(), code: z.string().optional() }).nullable(),
});

const TaskResultSchema = z.looseObject({
  taskId: z.string(),
  agentId: z.string(),
  status: z.string(),
  result: z.unknown(),
  durationMs: z.number(),
  attempt: z.number(),
  omitted: z.array(z.string()).optional(),
});

const AgentPageSchema = z.object({ agents: z.array(AgentRowSchema), next_cursor: z.string().nullable() });
const TaskPageSchema = z.object({ tasks: z.array(TaskRowSchema), next_cursor: z.string().nullable() });

const ToolFailureSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).default({}) }),
});

export type AgentRow = z.infer<typeof AgentRowSchema>;
export type TaskRow = z.infer<typeof TaskRowSchema>;
export type RemoteTaskResult = z.infer<typeof TaskResultSchema>;

/** A task to create: the tools' arguments, in the CLI's words. */
export interface TaskRequest {
  readonly id?: string;
  readonly type: string;
  readonly capabilities: readonly string[];
  readonly data?: unknown;
  readonly priority?: string;
  readonly strategy?: string;
  readonly maxAttempts?: number;
  readonly attemptTimeoutMs?: number;
  readonly queueTimeoutMs?: number;
  readonly weight?: number;
}

/** One MCP progress notification for a task the client waits for (execute_task with a progressToken). */
export interface RemoteProgress {
  readonly progress: number;
  /** 100 when the agent said how far along it is (progress is then a percentage). */
  readonly total?: number;
  readonly message?: string;
}

/** How long past the task's own timeout the client waits for execute_task's answer (network, queueing). */
const EXECUTE_GRACE_MS = 10_000;

/** A failed tool call carries `{ error: { code, message, details } }` as its second text part (mcp-server's toolError). */
function toolFailure(result: CallToolResult): SwitchyardError {
  const texts = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
  for (const text of texts) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    const failure = ToolFailureSchema.safeParse(parsed);
    if (!failure.success) continue;
    const { code, message, details } = failure.data.error;
    if (code === 'VALIDATION_FAILED')
      return new ValidationError(
        z
          .array(z.object({ field: z.string(), message: z.string() }))
          .catch([])
          .parse(details.issues),
        'request',
      );
    if (code === 'UNAUTHENTICATED') return new AuthenticationError(message);
    if (code === 'FORBIDDEN' || code === 'NOT_ASSIGNED_AGENT') return new AuthorizationError(code, message, details);
    return new RemoteError(code, message, details);
  }
  return new RemoteError('INTERNAL', texts.join(' ') || 'the tool failed without saying why');
}

/**
 * The operators' client: the official MCP SDK Client over Streamable HTTP with a bearer token,
 * calling Switchyard's tools. Failures become typed errors: 401 AuthenticationError, 403
 * AuthorizationError, nothing listening OrchestratorUnreachableError, a refused call the
 * orchestrator's own code (ValidationError for bad arguments, RemoteError otherwise).
 */
export class OrchestratorClient {
  private constructor(
    private readonly client: Client,
    private readonly url: string,
  ) {}

  static async connect(target: ClientTarget): Promise<OrchestratorClient> {
    const client = new Client({ name: 'switchyard-cli', version: '0.1.0' });
    const transport = new StreamableHTTPClientTransport(target.url, {
      requestInit: { headers: { Authorization: `Bearer ${target.token}` } },
      fetch: fetchWithOwnSignal(),
    });
    const connected = new OrchestratorClient(client, target.url.href);
    try {
      await client.connect(transport);
    } catch (error) {
      await client.close();
      throw connected.failure(error);
    }
    return connected;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** Every agent, page by page (list_agents answers in bounded pages). */
  async listAgents(): Promise<AgentRow[]> {
    const agents: AgentRow[] = [];
    let cursor: string | null = null;
    do {
      const page = AgentPageSchema.parse(await this.call('list_agents', cursor === null ? {} : { cursor }));
      agents.push(...page.agents);
      cursor = page.next_cursor;
    } while (cursor !== null);
    return agents;
  }

  /** Up to `limit` tasks (default 100), page by page. */
  async listTasks(filter: {
    readonly status?: string;
    readonly limit?: number;
    readonly order?: 'oldest' | 'newest';
  }): Promise<TaskRow[]> {
    const { limit = 100, ...rest } = filter;
    const tasks: TaskRow[] = [];
    let cursor: string | null = null;
    do {
      const page = TaskPageSchema.parse(
        await this.call('list_tasks', {
          ...rest,
          limit: Math.min(1_000, limit - tasks.length),
          ...(cursor === null ? {} : { cursor }),
        }),
      );
      tasks.push(...page.tasks);
      cursor = page.next_cursor;
    } while (cursor !== null && tasks.length < limit);
    return tasks;
  }

  /** Creates the task and waits for its outcome (execute_task); a failed task rejects with its code. */
  async runTask(
    request: TaskRequest,
    timeoutMs: number,
    onProgress?: (taskId: string, progress: RemoteProgress) => void,
  ): Promise<RemoteTaskResult> {
    return this.executeTask(await this.createTask(request), timeoutMs, onProgress);
  }

  /** Creates a pending task (create_task); resolves with its id. */
  async createTask(request: TaskRequest): Promise<string> {
    const created = await this.call('create_task', {
      task_type: request.type,
      required_capabilities: request.capabilities,
      ...(request.id === undefined ? {} : { task_id: request.id }),
      ...(request.data === undefined ? {} : { task_data: request.data }),
      ...(request.priority === undefined ? {} : { priority: request.priority }),
      ...(request.strategy === undefined ? {} : { strategy: request.strategy }),
      ...(request.maxAttempts === undefined ? {} : { max_attempts: request.maxAttempts }),
      ...(request.attemptTimeoutMs === undefined ? {} : { attempt_timeout_ms: request.attemptTimeoutMs }),
      ...(request.queueTimeoutMs === undefined ? {} : { queue_timeout_ms: request.queueTimeoutMs }),
      ...(request.weight === undefined ? {} : { weight: request.weight }),
      sender_id: 'switchyard-cli',
    });
    return z.object({ task: z.object({ id: z.string() }) }).parse(created).task.id;
  }

  /** Hands a created task over if still pending and waits for its outcome (execute_task); a finished task answers at once. */
  async executeTask(
    taskId: string,
    timeoutMs: number,
    onProgress?: (taskId: string, progress: RemoteProgress) => void,
  ): Promise<RemoteTaskResult> {
    const executed = await this.call(
      'execute_task',
      { task_id: taskId, timeout_ms: timeoutMs },
      timeoutMs + EXECUTE_GRACE_MS,
      // The SDK sends a progressToken when asked to hear progress; the server then notifies per report.
      onProgress === undefined
        ? undefined
        : (progress) => {
            onProgress(taskId, progress);
          },
    );
    const { result } = z.object({ result: TaskResultSchema }).parse(executed);
    if (result.omitted === undefined) return result;
    // Too large for one tool result: the task's resource holds it.
    // The task resource's documented URI (docs/mcp.md): the client needs no server package to name it.
    const read = await this.client.readResource({ uri: `switchyard://tasks/${taskId}` });
    const content = read.contents[0];
    return {
      ...result,
      result: z
        .object({ result: z.unknown() })
        .parse(JSON.parse(content !== undefined && 'text' in content ? content.text : '{}')).result,
    };
  }

  /** Ends a task that has not finished (cancel_task); resolves with the cancelled task. */
  async cancelTask(taskId: string, reason?: string): Promise<TaskRow> {
    return z
      .object({ task: TaskRowSchema })
      .parse(await this.call('cancel_task', { task_id: taskId, ...(reason === undefined ? {} : { reason }) })).task;
  }

  /** Sets the agent's status to draining: it gets no new tasks and finishes those it holds. */
  async drainAgent(agentId: string): Promise<AgentRow> {
    return this.setAgentStatus(agentId, 'draining');
  }

  /** Lifts a drain (or brings an agent marked offline back). */
  async undrainAgent(agentId: string): Promise<AgentRow> {
    return this.setAgentStatus(agentId, 'online');
  }

  private async setAgentStatus(agentId: string, status: 'online' | 'draining'): Promise<AgentRow> {
    return z
      .object({ agent: AgentRowSchema })
      .parse(await this.call('update_agent_status_in_distributor', { agent_id: agentId, status })).agent;
  }

  private async call(
    name: string,
    args: Record<string, unknown>,
    timeoutMs?: number,
    onprogress?: (progress: RemoteProgress) => void,
  ): Promise<Record<string, unknown>> {
    let result: CallToolResult;
    try {
      result = (await this.client.callTool({ name, arguments: args }, undefined, {
        ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
        ...(onprogress === undefined ? {} : { onprogress }),
      })) as CallToolResult;
    } catch (error) {
      throw this.failure(error);
    }
    if (result.isError === true) throw toolFailure(result);
    return result.structuredContent ?? {};
  }

  /** What went wrong below the tools: HTTP status, connection, protocol. */
  private failure(error: unknown): Error {
    if (error instanceof StreamableHTTPError) {
      if (error.code === 401) return new AuthenticationError(`The orchestrator at ${this.url} refused the token (401)`);
      if (error.code === 403)
        return new AuthorizationError('FORBIDDEN', `The orchestrator at ${this.url} refused: ${error.message}`);
      return new OrchestratorUnreachableError(this.url, error.message);
    }
    // The server went away in the middle of a call (its response stream broke off).
    if (error instanceof McpError && error.code === (ErrorCode.ConnectionClosed as number))
      return new OrchestratorUnreachableError(this.url, error.message);
    if (error instanceof TypeError && error.message === 'fetch failed') {
      const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
      return new OrchestratorUnreachableError(this.url, cause);
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
