import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { FastAgentServer } from './fast-agent-options.js';

/** One MCP session with a fast-agent server. */
export interface McpSession {
  readonly client: Client;
  busy: boolean;
}

/** What the pool tells its owner about the connection underneath. */
export interface McpSessionEvents {
  /** A session's transport reported an error (a dropped stream, a refused reconnect). */
  transportError(error: Error): void;
  /** A session closed on its own (a stdio server exited). */
  closed(): void;
  /** The server sent `tools/list_changed`. */
  toolsChanged(): void;
}

/**
 * MCP sessions with one fast-agent server. fast-agent 0.10 runs one operation per session at a
 * time, so parallel calls need several sessions: up to `size` are opened as calls need them and
 * lent out one call at a time. A server that gives no session id (started with
 * `--instance-scope request`, stateless) takes parallel calls on one session: then that one is
 * shared. A stdio server is one process, one session.
 */
export class McpSessionPool {
  private readonly sessions: McpSession[] = [];
  private readonly idle: McpSession[] = [];
  private readonly waiting: {
    resolve: (session: McpSession) => void;
    reject: (error: Error) => void;
    signal: AbortSignal;
    onAbort: () => void;
  }[] = [];
  private opening = 0;
  /** Whether the server keeps sessions (known after the first connection). */
  private stateless = false;
  private size = 1;

  constructor(
    private readonly server: FastAgentServer,
    private readonly events: McpSessionEvents,
  ) {}

  /** How the server answered: `sessions` (one call per session) or `stateless` (one shared session). */
  get mode(): 'sessions' | 'stateless' {
    return this.stateless ? 'stateless' : 'sessions';
  }

  get open(): number {
    return this.sessions.length;
  }

  /** Most sessions kept: the capacity of the agents that share the server (stdio: always one). */
  resize(size: number): void {
    this.size = this.server.url === undefined ? 1 : Math.max(1, size);
  }

  /** The first session (opened now if there is none): for the tool list and its notifications. */
  async control(timeoutMs: number): Promise<Client> {
    const first = this.sessions[0];
    if (first !== undefined) return first.client;
    const session = await this.openSession(timeoutMs);
    this.idle.push(session);
    return session.client;
  }

  /** A session for one call: a free one, a new one while under size, or the next one freed. */
  async acquire(signal: AbortSignal, timeoutMs: number): Promise<McpSession> {
    signal.throwIfAborted();
    if (this.stateless && this.sessions[0] !== undefined) return this.sessions[0];
    const free = this.idle.shift();
    if (free !== undefined) {
      free.busy = true;
      return free;
    }
    if (this.sessions.length + this.opening < this.size) {
      const session = await this.openSession(timeoutMs);
      session.busy = true;
      if (signal.aborted) {
        this.release(session);
        signal.throwIfAborted();
      }
      return session;
    }
    return new Promise<McpSession>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Gives a session back after a call: to the next waiting call, or to the free list. */
  release(session: McpSession): void {
    if (this.stateless) return;
    if (!this.sessions.includes(session)) {
      // Retired by reset() while its call ran: the server has forgotten it too.
      void session.client.close().catch(() => undefined);
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) {
      next.signal.removeEventListener('abort', next.onAbort);
      next.resolve(session);
      return;
    }
    session.busy = false;
    // The longest-idle session goes out first: every session gets reused, none kept busy server-side unseen.
    this.idle.push(session);
  }

  /**
   * Forgets every session (a restarted server no longer knows them): free ones are closed now,
   * ones lent to a call when it gives them back (their calls meet the 404 themselves and retry).
   */
  async reset(): Promise<void> {
    this.sessions.splice(0);
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((session) => session.client.close().catch(() => undefined)));
  }

  /** Closes every session, lent or not (the server is down), and fails the calls waiting for one. */
  async close(reason: Error): Promise<void> {
    for (const waiter of this.waiting.splice(0)) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
    const sessions = this.sessions.splice(0);
    this.idle.splice(0);
    await Promise.all(sessions.map((session) => session.client.close().catch(() => undefined)));
  }

  /** Hands a waiting call a session of its own when a reset left room. */
  async serveWaiting(timeoutMs: number): Promise<void> {
    while (this.waiting.length > 0 && this.sessions.length + this.opening < this.size) {
      const waiter = this.waiting.shift();
      if (waiter === undefined) return;
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      try {
        const session = await this.openSession(timeoutMs);
        session.busy = true;
        waiter.resolve(session);
      } catch (error) {
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private async openSession(timeoutMs: number): Promise<McpSession> {
    this.opening++;
    try {
      const client = new Client({ name: 'switchyard-fast-agent-bridge', version: '0.1.0' });
      const transport =
        this.server.url !== undefined
          ? new StreamableHTTPClientTransport(new URL(this.server.url))
          : new StdioClientTransport({
              command: this.server.command as string,
              args: this.server.args,
              ...(this.server.cwd === undefined ? {} : { cwd: this.server.cwd }),
              stderr: 'ignore',
            });
      await client.connect(transport, { timeout: timeoutMs });
      const session: McpSession = { client, busy: false };
      this.stateless = transport instanceof StreamableHTTPClientTransport && transport.sessionId === undefined;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        this.events.toolsChanged();
      });
      // The SDK reports a dropped response stream here while the call itself waits on: the owner checks the server.
      client.onerror = (error) => {
        if (this.sessions.includes(session)) this.events.transportError(error);
      };
      client.onclose = () => {
        const index = this.sessions.indexOf(session);
        if (index < 0) return;
        this.sessions.splice(index, 1);
        const idleIndex = this.idle.indexOf(session);
        if (idleIndex >= 0) this.idle.splice(idleIndex, 1);
        this.events.closed();
      };
      this.sessions.push(session);
      return session;
    } finally {
      this.opening--;
    }
  }
}
