import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '@switchyard/core';
import type { HttpRoute } from '@switchyard/mcp-server';
import { authenticateViewer } from '../authenticate-viewer.js';
import type { DashboardFeed } from './dashboard-feed.js';
import { DashboardSessions } from './dashboard-sessions.js';

const COOKIE = 'switchyard_dashboard';
const MAX_FORM_BYTES = 4_096;
const ASSETS = new URL('./assets/', import.meta.url);

/** The page runs only its own script, talks only to this server, and cannot be framed. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

interface Assets {
  readonly page: string;
  readonly login: string;
  readonly script: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${String(character.charCodeAt(0))};`);
}

function sessionIdOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += (chunk as Buffer).toString('utf8');
    if (body.length > MAX_FORM_BYTES) break;
  }
  return new URLSearchParams(body.slice(0, MAX_FORM_BYTES));
}

/**
 * The live dashboard, on the orchestrator's HTTP server:
 * - `GET /dashboard?token=…` or `POST /dashboard/login` (form field `token`) checks a token with
 *   ops:read (or admin), sets an HttpOnly, SameSite=Strict session cookie and redirects to
 *   `/dashboard`, so the token leaves the address bar and the browser history;
 * - `GET /dashboard` is the page with a session, and the sign-in form (401, no data) without one;
 * - `GET /dashboard/events` streams snapshots as server-sent events, with a session only;
 * - `GET /dashboard/dashboard.js` is the page's script (no data in it).
 */
export class DashboardServer {
  readonly routes: readonly HttpRoute[];
  private readonly sessions = new DashboardSessions();

  private constructor(
    private readonly feed: DashboardFeed,
    private readonly authenticator: Authenticator,
    private readonly assets: Assets,
  ) {
    this.routes = [
      { path: '/dashboard', handle: (req, res) => this.page(req, res) },
      { path: '/dashboard/login', handle: (req, res) => this.login(req, res) },
      {
        path: '/dashboard/events',
        handle: (req, res) => {
          this.events(req, res);
          return Promise.resolve();
        },
      },
      {
        path: '/dashboard/dashboard.js',
        handle: (_req, res) => {
          this.script(res);
          return Promise.resolve();
        },
      },
    ];
  }

  /** Reads the page, the sign-in form and the script shipped next to this module. */
  static async load(feed: DashboardFeed, authenticator: Authenticator): Promise<DashboardServer> {
    const [page, login, script] = await Promise.all(
      ['dashboard.html', 'login.html', 'dashboard.js'].map((file) => readFile(new URL(file, ASSETS), 'utf8')),
    );
    return new DashboardServer(feed, authenticator, { page: page ?? '', login: login ?? '', script: script ?? '' });
  }

  private async page(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
    if (token !== null) {
      await this.signIn(token, res);
      return;
    }
    if (!this.sessions.isValid(sessionIdOf(req))) {
      this.loginForm(res, 401, 'Sign in with a Switchyard token that has ops:read (or admin).');
      return;
    }
    res.writeHead(200, PAGE_HEADERS);
    res.end(this.assets.page);
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain; charset=utf-8' });
      res.end('POST the form of /dashboard\n');
      return;
    }
    await this.signIn((await readForm(req)).get('token') ?? '', res);
  }

  private async signIn(token: string, res: ServerResponse): Promise<void> {
    let principal: string;
    try {
      principal = (await authenticateViewer(this.authenticator, token.trim() === '' ? undefined : token.trim())).name;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.loginForm(res, 401, `That token was refused: ${reason}`);
      return;
    }
    const cookie = `${COOKIE}=${this.sessions.open(principal)}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${String(this.sessions.maxAgeSeconds)}`;
    res.writeHead(303, {
      location: '/dashboard',
      'set-cookie': cookie,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end();
  }

  private loginForm(res: ServerResponse, status: number, message: string): void {
    res.writeHead(status, PAGE_HEADERS);
    res.end(this.assets.login.replace('<!--message-->', escapeHtml(message)));
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    const sessionId = sessionIdOf(req);
    if (!this.sessions.isValid(sessionId)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('UNAUTHENTICATED: sign in at /dashboard\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    const stop = this.feed.subscribe((snapshot) => {
      if (!this.sessions.isValid(sessionId)) {
        res.end();
        return;
      }
      // A viewer that cannot keep up skips updates instead of queueing them: each is complete.
      if (!res.writableNeedDrain) res.write(`data: ${JSON.stringify(snapshot)}\n\n`);
    });
    res.on('close', stop);
  }

  private script(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    res.end(this.assets.script);
  }
}
