import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

/** A call that did not get the task accepted, with a short code to count it by. */
export class SubmissionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SubmissionError';
  }
}

/** A short, countable name for why a call failed below the tool level. */
function failureCode(error: unknown): string {
  if (error instanceof McpError) return `MCP_${String(error.code)}`;
  if (error instanceof StreamableHTTPError) return `HTTP_${String(error.code)}`;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'UNKNOWN';
}

/**
 * POSTs without the transport's shared abort signal: fetch keeps one abort listener per request on
 * it until the request is garbage-collected, and thousands of calls trip Node's listener-leak
 * warning. A call still ends on its own timeout, and on a connection the server closes.
 */
const postWithoutSharedSignal: FetchLike = (url, init) =>
  fetch(url, init?.method === 'POST' ? { ...init, signal: null } : init);

export interface TaskToDistribute {
  readonly taskId: string;
  readonly priority: string;
  /** The one capability it requires (also its task type). */
  readonly capability: string;
  readonly data: Record<string, number | string>;
}

/**
 * One orchestrator's MCP endpoint, through the official SDK client over Streamable HTTP. It
 * connects on first use and again after any failure below the tool level (the orchestrator
 * restarted and forgot the session, or is down), so callers just call.
 */
export class McpEndpoint {
  private client: Promise<Client> | undefined;

  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /**
   * distribute_task: 'accepted' when the orchestrator took it, 'exists' when it answered
   * TASK_ALREADY_EXISTS (an earlier call landed); throws SubmissionError otherwise.
   */
  async distribute(task: TaskToDistribute, timeoutMs: number): Promise<'accepted' | 'exists'> {
    const pending = this.connect();
    let result: CallToolResult;
    try {
      const client = await pending;
      result = (await client.callTool(
        {
          name: 'distribute_task',
          arguments: {
            task_id: task.taskId,
            task_type: task.capability,
            required_capabilities: [task.capability],
            task_data: task.data,
            sender_id: 'chaos',
            priority: task.priority,
          },
        },
        undefined,
        { timeout: timeoutMs },
      )) as CallToolResult;
    } catch (error) {
      this.forget(pending);
      throw new SubmissionError(failureCode(error), error instanceof Error ? error.message : String(error));
    }
    if (result.isError !== true) return 'accepted';
    const first = result.content[0];
    const text = first?.type === 'text' ? first.text : JSON.stringify(result.content);
    const code = /^([A-Z][A-Z_]+):/.exec(text)?.[1] ?? 'TOOL_ERROR';
    if (code === 'TASK_ALREADY_EXISTS') return 'exists';
    throw new SubmissionError(code, text);
  }

  async close(): Promise<void> {
    const pending = this.client;
    this.client = undefined;
    await pending?.then((client) => client.close()).catch(() => undefined);
  }

  private connect(): Promise<Client> {
    this.client ??= (async () => {
      const client = new Client({ name: 'switchyard-chaos', version: '0.1.0' });
      // A server that died takes its notification stream with it: no reconnecting it, the next call connects anew.
      client.onerror = () => undefined;
      const transport = new StreamableHTTPClientTransport(new URL(this.url), {
        requestInit: { headers: { authorization: `Bearer ${this.token}` } },
        fetch: postWithoutSharedSignal,
        reconnectionOptions: {
          maxRetries: 0,
          initialReconnectionDelay: 1_000,
          maxReconnectionDelay: 1_000,
          reconnectionDelayGrowFactor: 1,
        },
      });
      await client.connect(transport);
      return client;
    })();
    return this.client;
  }

  private forget(pending: Promise<Client>): void {
    if (this.client !== pending) return;
    this.client = undefined;
    pending.then((client) => client.close()).catch(() => undefined);
  }
}
