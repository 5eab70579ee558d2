import { randomBytes } from 'node:crypto';

/** How long a dashboard sign-in lasts: a working day, then the token is asked for again. */
const SESSION_MS = 12 * 60 * 60 * 1000;

/**
 * Dashboard sign-ins. The browser holds only a random session id in an HttpOnly cookie, never the
 * token itself, so page scripts (or anything injected into them) cannot read a credential.
 */
export class DashboardSessions {
  readonly maxAgeSeconds = SESSION_MS / 1000;
  private readonly sessions = new Map<string, { readonly principal: string; readonly expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session for this principal; returns its id. */
  open(principal: string): string {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { principal, expiresAt: now + SESSION_MS });
    return id;
  }

  isValid(id: string | undefined): boolean {
    if (id === undefined) return false;
    const session = this.sessions.get(id);
    return session !== undefined && session.expiresAt > this.now();
  }
}
