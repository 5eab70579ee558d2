import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Authenticator, OrchestrationEngine } from '@switchyard/core';
import { ValidationError } from '@switchyard/core';
import { z } from 'zod';
import type { AgentMailboxes } from './agent-mailboxes.js';
import { DEFAULT_MAX_RESULT_BYTES, SWITCHYARD_TOOLS, taskUri } from './switchyard-tools.js';
import { toolError } from './tool-error.js';
import type { SendNotification } from './mcp-progress-notifier.js';
import { mcpProgressNotifier } from './mcp-progress-notifier.js';

export interface SwitchyardMcpServerParts {
  readonly engine: OrchestrationEngine;
  readonly authenticator: Authenticator;
  readonly mailboxes: AgentMailboxes;
  /** The token of a transport that carries none per request (stdio: from the client's config). */
  readonly sessionToken?: string;
  /** The most one tool result may carry, in JSON bytes (mcp.http.maxResultBytes). */
  readonly maxResultBytes?: number;
  /**
   * Progress notifications go on the session's standalone stream (HTTP GET) rather than with the
   * request: set where answers are whole JSON responses, which carry nothing before the answer.
   */
  readonly progressOnSessionStream?: boolean;
}

interface RequestExtra {
  readonly authInfo?: { readonly token: string; readonly extra?: Record<string, unknown> };
  readonly signal?: AbortSignal;
  readonly sendNotification: SendNotification;
}

const SERVER_INFO = { name: 'switchyard', version: '0.1.0' };
/** One for every session: building an Ajv instance per session cost more than the rest of an initialize. */
const SHARED_VALIDATOR = new AjvJsonSchemaValidator();

/** The tools as MCP lists them: JSON Schema (draft 7) from each tool's zod schema, enums included. */
const LISTED_TOOLS = SWITCHYARD_TOOLS.map((tool) => ({
  name: tool.name,
  description: tool.description,
  inputSchema: z.toJSONSchema(tool.inputSchema, { target: 'draft-7', io: 'input' }) as {
    type: 'object';
    [key: string]: unknown;
  },
  outputSchema: z.toJSONSchema(tool.outputSchema, { target: 'draft-7', io: 'output' }) as {
    type: 'object';
    [key: string]: unknown;
  },
}));

/** Aborts when the MCP request is cancelled or (over HTTP) its connection closes first. */
function signalOf(extra: RequestExtra): AbortSignal | undefined {
  const dropped = extra.authInfo?.extra?.connectionClosed;
  const signals = [extra.signal, dropped instanceof AbortSignal ? dropped : undefined].filter(
    (signal): signal is AbortSignal => signal !== undefined,
  );
  return signals.length === 0 ? undefined : AbortSignal.any(signals);
}

/**
 * One MCP server session: the seed's tools plus what the whole loop needs, and the agent list and
 * tasks as resources. Each tool call uses the `auth_token` argument, else the token the transport
 * authenticated (HTTP bearer), else the session's (stdio). Arguments are checked here, so a bad
 * one is a VALIDATION_FAILED tool error naming the field, like the engine's own.
 */
export function createSwitchyardMcpServer(parts: SwitchyardMcpServerParts): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { resources: { listChanged: true }, tools: {} },
    jsonSchemaValidator: SHARED_VALIDATOR,
  });
  const maxResultBytes = parts.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  const tokenOf = (extra: RequestExtra, argument?: unknown): string | undefined =>
    (typeof argument === 'string' && argument.length > 0 ? argument : undefined) ??
    extra.authInfo?.token ??
    parts.sessionToken;

  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: LISTED_TOOLS }));
  server.server.setRequestHandler(
    CallToolRequestSchema,
    async (request, extra: RequestExtra): Promise<CallToolResult> => {
      const tool = SWITCHYARD_TOOLS.find((candidate) => candidate.name === request.params.name);
      try {
        if (tool === undefined)
          throw ValidationError.field(
            'name',
            `no tool named '${request.params.name}' (known: ${SWITCHYARD_TOOLS.map((known) => known.name).join(', ')})`,
            'tools/call',
          );
        const parsed = tool.inputSchema.safeParse(request.params.arguments ?? {});
        if (!parsed.success) throw ValidationError.fromZod(parsed.error, `${tool.name} arguments`);
        const args = parsed.data;
        const signal = signalOf(extra);
        // A caller that sent a progressToken hears the task's progress while a tool waits for it.
        const progressToken = request.params._meta?.progressToken;
        const {
          structured,
          summary,
          links = [],
        } = await tool.run(
          {
            ...parts,
            authToken: tokenOf(extra, args.auth_token),
            maxResultBytes,
            ...(signal === undefined ? {} : { signal }),
            ...(progressToken === undefined
              ? {}
              : {
                  onProgress: mcpProgressNotifier(
                    progressToken,
                    parts.progressOnSessionStream === true
                      ? (notification) => server.server.notification(notification)
                      : extra.sendNotification,
                  ),
                }),
          },
          args,
        );
        if (tool.name === 'create_task' || tool.name === 'distribute_task') server.sendResourceListChanged();
        return {
          content: [
            { type: 'text' as const, text: summary },
            ...links.map((uri) => ({
              type: 'resource_link' as const,
              uri,
              name: uri.slice(uri.lastIndexOf('/') + 1),
              mimeType: 'application/json',
            })),
          ],
          structuredContent: structured,
        };
      } catch (error) {
        return toolError(error);
      }
    },
  );

  server.registerResource(
    'agents',
    'switchyard://agents',
    {
      description: 'Every registered agent: capabilities, status, load, capacity, priority, outcome stats',
      mimeType: 'application/json',
    },
    async (uri, extra: RequestExtra) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/json',
          text: JSON.stringify(await parts.engine.listAgents({ authToken: tokenOf(extra) }), null, 2),
        },
      ],
    }),
  );

  server.registerResource(
    'task',
    new ResourceTemplate('switchyard://tasks/{taskId}', {
      list: async (extra: RequestExtra) => ({
        resources: (await parts.engine.listTasks({ authToken: tokenOf(extra), limit: 100 })).map((task) => ({
          uri: taskUri(task.id),
          name: `${task.type} ${task.id}`,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      description:
        'A whole task: its data, state, result or error and history (what tool results leave out when it is large)',
      mimeType: 'application/json',
    },
    async (uri, variables, extra: RequestExtra) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/json',
          text: JSON.stringify(
            await parts.engine.getTask({ authToken: tokenOf(extra), taskId: String(variables.taskId) }),
          ),
        },
      ],
    }),
  );
  return server;
}
