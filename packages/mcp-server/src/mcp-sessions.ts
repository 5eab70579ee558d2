import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export interface McpSession {
  readonly id: string;
  readonly transport: StreamableHTTPServerTransport;
  /** Who opened it (a digest of the bearer token): nobody else may use or end it. */
  readonly owner: string;
  lastActiveAt: number;
  /** Requests and streams open on it right now; a session with any is never idle. */
  open: number;
}

export interface McpSessionLimits {
  readonly idleMs: number;
  readonly maxPerOwner: number;
}

/**
 * The live MCP sessions: each bound to the token that opened it, closed after `idleMs` without a
 * request, and at most `maxPerOwner` per token (opening one more closes that token's least
 * recently used idle session, so clients that never send DELETE cannot grow memory without bound).
 */
export class McpSessions {
  private readonly sessions = new Map<string, McpSession>();
  private readonly byOwner = new Map<string, Set<McpSession>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly limits: McpSessionLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(
      () => {
        this.closeIdle();
      },
      Math.max(10, Math.min(limits.idleMs / 2, 30_000)),
    );
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session, only for its owner (to anyone else it does not exist). */
  find(id: string, owner: string): McpSession | undefined {
    const session = this.sessions.get(id);
    return session?.owner === owner ? session : undefined;
  }

  /** Whether the owner may open one more session (false: every one it has is busy). */
  makeRoomFor(owner: string): boolean {
    const owned = [...(this.byOwner.get(owner) ?? [])];
    if (owned.length < this.limits.maxPerOwner) return true;
    const idle = owned.filter((session) => session.open === 0).sort((a, b) => a.lastActiveAt - b.lastActiveAt);
    const evict = idle.slice(0, owned.length - this.limits.maxPerOwner + 1);
    if (evict.length < owned.length - this.limits.maxPerOwner + 1) return false;
    for (const session of evict) this.close(session);
    return true;
  }

  add(id: string, transport: StreamableHTTPServerTransport, owner: string): McpSession {
    const session: McpSession = { id, transport, owner, lastActiveAt: this.now(), open: 0 };
    this.sessions.set(id, session);
    const owned = this.byOwner.get(owner);
    if (owned === undefined) this.byOwner.set(owner, new Set([session]));
    else owned.add(session);
    return session;
  }

  delete(id: string): void {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    const owned = this.byOwner.get(session.owner);
    owned?.delete(session);
    if (owned?.size === 0) this.byOwner.delete(session.owner);
  }

  /** Marks a request or stream open on the session until `done` is called. */
  begin(session: McpSession): () => void {
    session.open++;
    session.lastActiveAt = this.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      session.open--;
      session.lastActiveAt = this.now();
    };
  }

  closeIdle(): void {
    const cutoff = this.now() - this.limits.idleMs;
    for (const session of [...this.sessions.values()])
      if (session.open === 0 && session.lastActiveAt <= cutoff) this.close(session);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.byOwner.clear();
    await Promise.all(all.map((session) => session.transport.close()));
  }

  private close(session: McpSession): void {
    this.delete(session.id);
    // Closing drops the session's server and streams; a later request with its id gets 404.
    void session.transport.close().catch(() => undefined);
  }
}
