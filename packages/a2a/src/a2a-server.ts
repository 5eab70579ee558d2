import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentCard, AgentSkill } from '@a2a-js/sdk';
import {
  AgentCard as AgentCardCodec,
  AGENT_CARD_PATH,
  formatSSEErrorEvent,
  formatSSEEvent,
  SSE_HEADERS,
} from '@a2a-js/sdk';
import type { User } from '@a2a-js/sdk/server';
import {
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  ServerCallContext,
  validateVersion,
} from '@a2a-js/sdk/server';
import type { AgentSnapshot, Authenticator, Logger, OrchestrationEngine } from '@switchyard/core';
import { AuthenticationError, SilentLogger } from '@switchyard/core';
import { parseInput } from '@switchyard/core/internal';
import type { A2aServerOptions, A2aServerOptionsInput } from './a2a-server-options.js';
import { A2aServerOptionsSchema } from './a2a-server-options.js';
import { CALLER_NAME, CALLER_TOKEN, FleetExecutor } from './fleet-executor.js';

/** A handler at an exact path of the orchestrator's HTTP server (the shape its `routes` take). */
export interface A2aHttpRoute {
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** What the server needs from the orchestrator. */
export interface A2aServerParts {
  readonly engine: OrchestrationEngine;
  readonly authenticator: Authenticator;
  /** The fleet now: the card's skills are the capabilities of its online agents. */
  readonly fleet: () => readonly AgentSnapshot[];
  readonly logger?: Logger;
}

const JSONRPC_INVALID_PARAMS = -32602;
const JSONRPC_PARSE_ERROR = -32700;
const JSONRPC_INVALID_REQUEST = -32600;
const SEND_METHODS = new Set(['SendMessage', 'SendStreamingMessage']);

class SwitchyardUser implements User {
  constructor(private readonly name: string) {}
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    return this.name;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function replyJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function rpcError(id: unknown, code: number, message: string, data?: unknown): object {
  const validId = typeof id === 'string' || typeof id === 'number' ? id : null;
  return { jsonrpc: '2.0', id: validId, error: { code, message, ...(data === undefined ? {} : { data }) } };
}

/** The body as text, or undefined when it is larger than maxBytes. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Switchyard as an A2A (v1.0, JSON-RPC binding) agent: its card at /.well-known/agent-card.json
 * lists the fleet's capabilities as skills, built from the fleet at each request; its endpoint
 * takes `SendMessage` / `SendStreamingMessage` (one message, one Switchyard task), `GetTask`,
 * `CancelTask` and `SubscribeToTask`, behind `Authorization: Bearer <Switchyard token>`.
 */
export class A2aServer {
  readonly options: A2aServerOptions;
  private readonly card: AgentCard;
  private readonly transport: JsonRpcTransportHandler;
  private readonly logger: Logger;

  constructor(
    private readonly parts: A2aServerParts,
    options: A2aServerOptionsInput,
  ) {
    this.options = parseInput(A2aServerOptionsSchema, options, 'a2a server options');
    this.logger = parts.logger ?? new SilentLogger();
    this.card = AgentCardCodec.fromJSON({
      name: this.options.name,
      description: this.options.description,
      version: '1.0.0',
      capabilities: { streaming: true, pushNotifications: false },
      securitySchemes: {
        switchyard: {
          httpAuthSecurityScheme: { scheme: 'Bearer', description: 'a Switchyard token with tasks:distribute' },
        },
      },
      securityRequirements: [{ schemes: { switchyard: { list: [] } } }],
      defaultInputModes: ['text/plain', 'application/json'],
      defaultOutputModes: ['application/json', 'text/plain'],
    });
    const executor = new FleetExecutor(parts.engine, this.options, this.logger);
    const handler = new DefaultRequestHandler(this.card, new InMemoryTaskStore(), executor);
    this.transport = new JsonRpcTransportHandler(handler);
  }

  /** The card route and the JSON-RPC route, for the orchestrator's HTTP server. */
  routes(): A2aHttpRoute[] {
    return [
      { path: `/${AGENT_CARD_PATH}`, handle: (req, res) => this.serveCard(req, res) },
      { path: this.options.path, handle: (req, res) => this.serveRpc(req, res) },
    ];
  }

  /** The fleet's capabilities (of agents online now) as skills. */
  skills(): AgentSkill[] {
    const agentsWith = new Map<string, number>();
    for (const agent of this.parts.fleet())
      if (agent.status === 'online')
        for (const capability of agent.capabilities) agentsWith.set(capability, (agentsWith.get(capability) ?? 0) + 1);
    return [...agentsWith.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([capability, count]) => ({
        id: capability,
        name: capability,
        description: `${String(count)} agent(s) of the fleet offer '${capability}'`,
        tags: [capability],
        examples: [],
        inputModes: [],
        outputModes: [],
        securityRequirements: [],
      }));
  }

  /** The card as of now: current skills, and the endpoint at the URL the client reached (or publicUrl). */
  private refreshCard(req: IncomingMessage): AgentCard {
    const base = this.options.publicUrl ?? `http://${req.headers.host ?? '127.0.0.1'}`;
    this.card.supportedInterfaces = [
      { url: new URL(this.options.path, base).href, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' },
    ];
    this.card.skills = this.skills();
    return this.card;
  }

  private serveCard(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return Promise.resolve();
    }
    replyJson(res, 200, AgentCardCodec.toJSON(this.refreshCard(req)));
    return Promise.resolve();
  }

  private async serveRpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      res.end();
      return;
    }
    const token = bearerToken(req.headers.authorization);
    let principalName: string;
    try {
      principalName = (await this.parts.authenticator.authenticate(token)).name;
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      replyJson(res, 401, rpcError(null, JSONRPC_INVALID_REQUEST, error.message, { code: error.code }), {
        'www-authenticate': 'Bearer',
      });
      return;
    }
    const text = await readBody(req, this.options.maxBodyBytes);
    if (text === undefined) {
      replyJson(
        res,
        413,
        rpcError(
          null,
          JSONRPC_INVALID_REQUEST,
          `the request body is larger than ${String(this.options.maxBodyBytes)} bytes`,
        ),
      );
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      replyJson(res, 200, rpcError(null, JSONRPC_PARSE_ERROR, `not JSON: ${(error as Error).message}`));
      return;
    }
    const request =
      typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const card = this.refreshCard(req);
    const refusal = this.refuseSend(request, card);
    if (refusal !== undefined) {
      replyJson(
        res,
        200,
        rpcError(request.id, JSONRPC_INVALID_PARAMS, refusal.message, [
          { field: refusal.field, message: refusal.message },
        ]),
      );
      return;
    }
    const context = new ServerCallContext({
      user: new SwitchyardUser(principalName),
      requestedVersion: typeof req.headers['a2a-version'] === 'string' ? req.headers['a2a-version'] : '',
      state: new Map<string, unknown>([
        [CALLER_TOKEN, token],
        [CALLER_NAME, principalName],
      ]),
    });
    try {
      validateVersion(context.requestedVersion, card, 'JSONRPC');
    } catch (error) {
      replyJson(res, 200, {
        jsonrpc: '2.0',
        id: request.id ?? null,
        error: JsonRpcTransportHandler.mapToJSONRPCError(error),
      });
      return;
    }
    const answer = await this.transport.handle(request, context);
    if (!(Symbol.asyncIterator in answer)) {
      replyJson(res, 200, answer);
      return;
    }
    res.writeHead(200, { ...SSE_HEADERS });
    res.flushHeaders();
    try {
      for await (const event of answer) {
        if (res.destroyed) break;
        res.write(formatSSEEvent(event));
      }
    } catch (error) {
      this.logger.warn('A2A stream ended with an error', { error: (error as Error).message });
      if (!res.destroyed)
        res.write(
          formatSSEErrorEvent({
            jsonrpc: '2.0',
            id: (request.id as string | number | null | undefined) ?? null,
            error: JsonRpcTransportHandler.mapToJSONRPCError(error),
          }),
        );
    } finally {
      res.end();
    }
  }

  /** A message must name one of the card's skills in `message.metadata.skill`: said here, before any task exists. */
  private refuseSend(
    request: Record<string, unknown>,
    card: AgentCard,
  ): { field: string; message: string } | undefined {
    if (typeof request.method !== 'string' || !SEND_METHODS.has(request.method)) return undefined;
    const params = request.params as { message?: { metadata?: { skill?: unknown }; taskId?: unknown } } | undefined;
    if (typeof params?.message?.taskId === 'string' && params.message.taskId !== '') return undefined;
    const skill = params?.message?.metadata?.skill;
    const skills = card.skills.map((entry) => entry.id);
    if (typeof skill !== 'string')
      return {
        field: 'message.metadata.skill',
        message: `message.metadata.skill: name the skill to use (one of: ${skills.join(', ') || 'none: no agent is online'})`,
      };
    if (!skills.includes(skill))
      return {
        field: 'message.metadata.skill',
        message: `message.metadata.skill: no agent online has '${skill}' (skills now: ${skills.join(', ') || 'none'})`,
      };
    return undefined;
  }
}
