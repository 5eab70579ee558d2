import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger, Principal } from '@switchyard/core';
import { CommunicationError, SwitchyardError } from '@switchyard/core';
import { authorize } from '@switchyard/core/internal';
import type { z } from 'zod';
import type { SwitchyardMcpServerParts } from './create-switchyard-mcp-server.js';
import { createSwitchyardMcpServer } from './create-switchyard-mcp-server.js';
import type { HttpRoute } from './http-route.js';
import type { McpHttpOptions } from './mcp-http-options.js';
import { McpHttpOptionsSchema } from './mcp-http-options.js';
import type { McpSession } from './mcp-sessions.js';
import { McpSessions } from './mcp-sessions.js';
import { bearerToken } from './bearer-token.js';
import { readJsonBody } from './read-json-body.js';
import { RequestBodyError } from './request-body-error.js';
import { SWITCHYARD_TOOLS } from './switchyard-tools.js';

const PATH = '/mcp';
const CORS_ALLOW_HEADERS = 'authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id';
const CORS_EXPOSE_HEADERS = 'mcp-session-id, mcp-protocol-version, www-authenticate';

export type McpHttpServerOptions = z.input<typeof McpHttpOptionsSchema> & {
  readonly logger: Logger;
  /** Other handlers on the same server, each at its exact path; they do their own auth. */
  readonly routes?: readonly HttpRoute[];
};

interface JsonRpcMessage {
  readonly method?: unknown;
  readonly id?: unknown;
  readonly params?: unknown;
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function rpcError(code: number, message: string, data: Record<string, unknown>, id: unknown = null): unknown {
  return { jsonrpc: '2.0', id, error: { code, message, data } };
}

function messagesOf(body: unknown): JsonRpcMessage[] {
  return (Array.isArray(body) ? body : [body]).filter(
    (item): item is JsonRpcMessage => typeof item === 'object' && item !== null,
  );
}

/** Which tokens a session belongs to, without keeping the token as the key. */
function ownerOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Switchyard's MCP server over Streamable HTTP at /mcp. Every request needs
 * `Authorization: Bearer <token>` (401 otherwise, checked before the body is read); a tool call
 * the token may not make is refused with 403 before it reaches MCP; browsers get CORS for the
 * allowed origins. Sessions belong to the token that opened them, expire when idle and are
 * capped per token; an unknown or expired one answers 404, so clients re-initialize.
 */
export class McpHttpServer {
  private server: Server | undefined;
  private readonly options: McpHttpOptions;
  private readonly sessions: McpSessions;

  constructor(
    private readonly parts: Omit<SwitchyardMcpServerParts, 'sessionToken' | 'maxResultBytes'>,
    private readonly serverOptions: McpHttpServerOptions,
  ) {
    const { logger: _logger, routes: _routes, ...options } = serverOptions;
    this.options = McpHttpOptionsSchema.parse(options);
    this.sessions = new McpSessions({
      idleMs: this.options.sessionIdleMs,
      maxPerOwner: this.options.maxSessionsPerPrincipal,
    });
  }

  /** Open sessions (all tokens). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Listens and returns the endpoint URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.serverOptions.logger.error('MCP HTTP request failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!res.headersSent) reply(res, 500, rpcError(-32603, 'Internal error', {}));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const where = `${this.options.host}:${String(this.options.port)}`;
        reject(
          error.code === 'EADDRINUSE'
            ? new CommunicationError(
                'CONNECTION_FAILED',
                `Cannot serve MCP on ${where}: the port is in use; set mcp.http.port (0 picks a free one)`,
                { host: this.options.host, port: this.options.port },
              )
            : new CommunicationError(
                'CONNECTION_FAILED',
                `Cannot serve MCP on ${where}: ${error.message}`,
                { host: this.options.host, port: this.options.port },
                { cause: error },
              ),
        );
      });
      server.listen(this.options.port, this.options.host, () => {
        resolve();
      });
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${String(port)}${PATH}`;
  }

  async stop(): Promise<void> {
    await this.sessions.closeAll();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }

  private async handle(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== PATH) {
      const route = this.serverOptions.routes?.find((candidate) => candidate.path === path);
      if (route === undefined) reply(res, 404, { error: `not found; the MCP endpoint is ${PATH}` });
      else await route.handle(req, res);
      return;
    }
    if (!this.allowOrigin(req, res)) return;
    const caller = await this.authenticate(req, res);
    if (caller === undefined) return;
    const { principal, token } = caller;
    const owner = ownerOf(token);

    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = await readJsonBody(req, { maxBytes: this.options.maxBodyBytes, maxDepth: this.options.maxJsonDepth });
      } catch (error) {
        const failure =
          error instanceof RequestBodyError ? error : new RequestBodyError(400, 'MALFORMED_REQUEST', String(error));
        reply(
          res,
          failure.status,
          rpcError(failure.code === 'MALFORMED_REQUEST' ? -32700 : -32600, failure.message, { code: failure.code }),
        );
        return;
      }
      if (!this.wellFormedCalls(body, res) || !this.permitted(principal, body, res)) return;
    }

    const sessionId = req.headers['mcp-session-id'];
    let session: McpSession | undefined;
    let transport: StreamableHTTPServerTransport;
    if (typeof sessionId === 'string') {
      session = this.sessions.find(sessionId, owner);
      if (session === undefined) {
        reply(
          res,
          404,
          rpcError(
            -32001,
            'Session not found (it expired, was closed, or belongs to another token): initialize a new one',
            { code: 'SESSION_NOT_FOUND' },
          ),
        );
        return;
      }
      transport = session.transport;
    } else {
      if (req.method !== 'POST' || !isInitializeRequest(body)) {
        reply(res, 400, rpcError(-32000, 'No MCP session: start with an initialize request', { code: 'NO_SESSION' }));
        return;
      }
      if (!this.sessions.makeRoomFor(owner)) {
        reply(
          res,
          429,
          rpcError(
            -32000,
            `This token already has ${String(this.options.maxSessionsPerPrincipal)} busy sessions (mcp.http.maxSessionsPerPrincipal)`,
            { code: 'TOO_MANY_SESSIONS' },
          ),
        );
        return;
      }
      transport = await this.openSession(owner);
    }
    if (session !== undefined) res.once('close', this.sessions.begin(session));
    // A long poll whose client went away must not take tasks: the tools see this signal abort.
    const connection = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) connection.abort();
    });
    // The token reaches the tools as authInfo; it is never logged or forwarded to agents.
    req.auth = {
      token,
      clientId: principal.name,
      scopes: [...principal.permissions],
      extra: { connectionClosed: connection.signal },
    };
    await transport.handleRequest(req, res, body);
  }

  private async openSession(owner: string): Promise<StreamableHTTPServerTransport> {
    const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // Whole JSON answers, not SSE events: clients cap an SSE event (the Python SDK at 1 MiB).
      enableJsonResponse: true,
      onsessioninitialized: (id) => {
        this.sessions.add(id, created, owner);
      },
    });
    created.onclose = () => {
      if (created.sessionId !== undefined) this.sessions.delete(created.sessionId);
    };
    await createSwitchyardMcpServer({
      ...this.parts,
      maxResultBytes: this.options.maxResultBytes,
      // JSON answers carry nothing before the answer: progress goes on the session's GET stream.
      progressOnSessionStream: true,
    }).connect(created);
    return created;
  }

  /** CORS for allowed browser origins (preflights answered without a token); other origins get 403. */
  private allowOrigin(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (!this.options.allowedOrigins.includes(origin)) {
      reply(
        res,
        403,
        rpcError(-32003, `Origin ${origin} is not allowed (mcp.http.allowedOrigins)`, { code: 'FORBIDDEN_ORIGIN' }),
      );
      return false;
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'origin');
    res.setHeader('access-control-expose-headers', CORS_EXPOSE_HEADERS);
    if (req.method !== 'OPTIONS') return true;
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': CORS_ALLOW_HEADERS,
      'access-control-max-age': '600',
    });
    res.end();
    return false;
  }

  /** The caller behind the bearer token, or undefined after answering 401. */
  private async authenticate(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ principal: Principal; token: string } | undefined> {
    const token = bearerToken(req.headers.authorization);
    try {
      return { principal: await this.parts.authenticator.authenticate(token), token: token ?? '' };
    } catch (error) {
      const message = error instanceof SwitchyardError ? error.message : 'A valid auth token is required';
      req.resume();
      reply(res, 401, rpcError(-32001, message, { code: 'UNAUTHENTICATED' }), {
        'www-authenticate': `Bearer realm="switchyard", error="invalid_token", error_description="${message}"`,
      });
      return undefined;
    }
  }

  /** Refuses (400, VALIDATION_FAILED) a tools/call without a tool name or with arguments that are not an object. */
  private wellFormedCalls(body: unknown, res: ServerResponse): boolean {
    for (const message of messagesOf(body)) {
      if (message.method !== 'tools/call') continue;
      const params: { name?: unknown; arguments?: unknown } =
        typeof message.params === 'object' && message.params !== null ? message.params : {};
      const issues = [
        ...(typeof params.name === 'string'
          ? []
          : [{ field: 'params.name', message: 'a tools/call needs params.name, the tool to call' }]),
        ...(params.arguments === undefined ||
        (typeof params.arguments === 'object' && params.arguments !== null && !Array.isArray(params.arguments))
          ? []
          : [{ field: 'params.arguments', message: 'must be an object of the tool arguments' }]),
      ];
      if (issues.length === 0) continue;
      reply(
        res,
        400,
        rpcError(
          -32602,
          `VALIDATION_FAILED: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
          { code: 'VALIDATION_FAILED', issues },
          message.id ?? null,
        ),
      );
      return false;
    }
    return true;
  }

  /** Refuses (403) a tool call, or a batch containing one, that the principal may not make. */
  private permitted(principal: Principal, body: unknown, res: ServerResponse): boolean {
    for (const message of messagesOf(body)) {
      if (message.method !== 'tools/call') continue;
      const tool = SWITCHYARD_TOOLS.find((candidate) => candidate.name === (message.params as { name?: unknown }).name);
      if (tool === undefined) continue;
      try {
        authorize(principal, ...tool.permissions);
      } catch (error) {
        const failure = error as SwitchyardError;
        reply(res, 403, rpcError(-32003, failure.message, { code: failure.code, tool: tool.name }, message.id ?? null));
        return false;
      }
    }
    return true;
  }
}
