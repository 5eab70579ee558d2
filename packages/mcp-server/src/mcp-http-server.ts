import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger, Principal } from '@switchyard/core';
import { authorize, CommunicationError, SwitchyardError } from '@switchyard/core';
import type { SwitchyardMcpServerParts } from './create-switchyard-mcp-server.js';
import { createSwitchyardMcpServer } from './create-switchyard-mcp-server.js';
import type { HttpRoute } from './http-route.js';
import type { McpHttpOptions } from './mcp-http-options.js';
import { bearerToken } from './bearer-token.js';
import { SWITCHYARD_TOOLS } from './switchyard-tools.js';

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const PATH = '/mcp';

export interface McpHttpServerOptions extends McpHttpOptions {
  readonly logger: Logger;
  /** Other handlers on the same server, each at its exact path; they do their own auth. */
  readonly routes?: readonly HttpRoute[];
}

interface JsonRpcMessage {
  readonly method?: unknown;
  readonly id?: unknown;
  readonly params?: { readonly name?: unknown };
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function rpcError(code: number, message: string, data: Record<string, unknown>, id: unknown = null): unknown {
  return { jsonrpc: '2.0', id, error: { code, message, data } };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${String(MAX_BODY_BYTES)} bytes`);
    chunks.push(buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

/**
 * Switchyard's MCP server over Streamable HTTP at /mcp. Every request needs
 * `Authorization: Bearer <token>` (401 otherwise); a tool call the token may not make is refused
 * with 403 before it reaches MCP; browser requests must come from an allowed Origin.
 */
export class McpHttpServer {
  private server: Server | undefined;
  private readonly sessions = new Map<string, StreamableHTTPServerTransport>();

  constructor(
    private readonly parts: Omit<SwitchyardMcpServerParts, 'sessionToken'>,
    private readonly options: McpHttpServerOptions,
  ) {}

  /** Listens and returns the endpoint URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.logger.error('MCP HTTP request failed', { error: error instanceof Error ? error.message : String(error) });
        if (!res.headersSent) reply(res, 500, rpcError(-32603, 'Internal error', {}));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const where = `${this.options.host}:${String(this.options.port)}`;
        reject(
          error.code === 'EADDRINUSE'
            ? new CommunicationError('CONNECTION_FAILED', `Cannot serve MCP on ${where}: the port is in use; set mcp.http.port (0 picks a free one)`, { host: this.options.host, port: this.options.port })
            : new CommunicationError('CONNECTION_FAILED', `Cannot serve MCP on ${where}: ${error.message}`, { host: this.options.host, port: this.options.port }, { cause: error }),
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
    for (const transport of this.sessions.values()) await transport.close();
    this.sessions.clear();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => {
      resolve();
    }));
  }

  private async handle(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== PATH) {
      const route = this.options.routes?.find((candidate) => candidate.path === path);
      if (route === undefined) reply(res, 404, { error: `not found; the MCP endpoint is ${PATH}` });
      else await route.handle(req, res);
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.options.allowedOrigins.includes(origin)) {
      reply(res, 403, rpcError(-32003, `Origin ${origin} is not allowed`, { code: 'FORBIDDEN_ORIGIN' }));
      return;
    }
    const caller = await this.authenticate(req, res);
    if (caller === undefined) return;
    const { principal, token } = caller;

    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = await readJson(req);
      } catch (error) {
        reply(res, 400, rpcError(-32700, `Parse error: ${error instanceof Error ? error.message : String(error)}`, { code: 'MALFORMED_REQUEST' }));
        return;
      }
      if (!this.permitted(principal, body, res)) return;
    }

    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
    if (transport === undefined) {
      if (req.method !== 'POST' || !isInitializeRequest(body)) {
        reply(res, 400, rpcError(-32000, 'No valid MCP session: start with an initialize request', { code: 'NO_SESSION' }));
        return;
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          this.sessions.set(id, created);
        },
      });
      created.onclose = () => {
        if (created.sessionId !== undefined) this.sessions.delete(created.sessionId);
      };
      await createSwitchyardMcpServer(this.parts).connect(created);
      transport = created;
    }
    // The token reaches the tools as authInfo; it is never logged or forwarded to agents.
    req.auth = { token, clientId: principal.name, scopes: [...principal.permissions] };
    await transport.handleRequest(req, res, body);
  }

  /** The caller behind the bearer token, or undefined after answering 401. */
  private async authenticate(req: IncomingMessage, res: ServerResponse): Promise<{ principal: Principal; token: string } | undefined> {
    const token = bearerToken(req.headers.authorization);
    try {
      return { principal: await this.parts.authenticator.authenticate(token), token: token ?? '' };
    } catch (error) {
      const message = error instanceof SwitchyardError ? error.message : 'A valid auth token is required';
      reply(res, 401, rpcError(-32001, message, { code: 'UNAUTHENTICATED' }), {
        'www-authenticate': `Bearer realm="switchyard", error="invalid_token", error_description="${message}"`,
      });
      return undefined;
    }
  }

  /** Refuses (403) a tool call, or a batch containing one, that the principal may not make. */
  private permitted(principal: Principal, body: unknown, res: ServerResponse): boolean {
    const messages = (Array.isArray(body) ? body : [body]) as unknown[];
    for (const item of messages) {
      if (typeof item !== 'object' || item === null) continue;
      const message = item as JsonRpcMessage;
      if (message.method !== 'tools/call') continue;
      const tool = SWITCHYARD_TOOLS.find((candidate) => candidate.name === message.params?.name);
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
