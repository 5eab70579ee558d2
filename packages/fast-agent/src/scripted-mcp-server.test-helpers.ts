// A small MCP server over Streamable HTTP with sessions, as fast-agent keeps them, that a test can
// make forget its sessions (as a restart does), answer tool calls with HTTP 500, or fail a call.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

export class ScriptedMcpServer {
  /** Tool calls still to answer with HTTP 500. */
  failingCalls = 0;
  /** Tool calls that reached the tool. */
  toolCalls = 0;
  private readonly sessions = new Map<string, StreamableHTTPServerTransport>();
  private readonly http: Server = createServer((req, res) => {
    void this.handle(req, res);
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => {
      this.http.listen(0, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${String((this.http.address() as AddressInfo).port)}/mcp`;
  }

  /** Drops every session, as a restarted server has: the next request on one gets 404. */
  async forgetSessions(): Promise<void> {
    const transports = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(transports.map((transport) => transport.close()));
  }

  async stop(): Promise<void> {
    await this.forgetSessions();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.http.close(() => {
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
    if (transport === undefined) {
      if (sessionId !== undefined || !isInitializeRequest(body)) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Session not found' } }));
        return;
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          this.sessions.set(id, created);
        },
      });
      await this.mcpServer().connect(created);
      transport = created;
    } else if ((body as { method?: unknown } | undefined)?.method === 'tools/call' && this.failingCalls > 0) {
      this.failingCalls--;
      res.writeHead(500, { 'content-type': 'text/plain' }).end('scripted failure');
      return;
    }
    await transport.handleRequest(req, res, body);
  }

  private mcpServer(): McpServer {
    const server = new McpServer({ name: 'scripted', version: '1.0.0' });
    server.registerTool(
      'echo',
      { description: 'Answers with its message; "fail" answers with an error', inputSchema: { message: z.string() } },
      ({ message }) => {
        this.toolCalls++;
        return message === 'fail'
          ? { isError: true, content: [{ type: 'text', text: 'the agent failed' }] }
          : { content: [{ type: 'text', text: message }] };
      },
    );
    return server;
  }
}
