import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Authenticator, OrchestrationEngine } from '@switchyard/core';
import type { AgentMailboxes } from './agent-mailboxes.js';
import { SWITCHYARD_TOOLS } from './switchyard-tools.js';
import { toolError } from './tool-error.js';

export interface SwitchyardMcpServerParts {
  readonly engine: OrchestrationEngine;
  readonly authenticator: Authenticator;
  readonly mailboxes: AgentMailboxes;
  /** The token of a transport that carries none per request (stdio: from the client's config). */
  readonly sessionToken?: string;
}

interface RequestExtra {
  readonly authInfo?: { readonly token: string };
}

const SERVER_INFO = { name: 'switchyard', version: '0.1.0' };

/**
 * One MCP server session: the seed's tools plus what the whole loop needs, and the agent list and
 * tasks as resources. Each tool call uses the `auth_token` argument, else the token the transport
 * authenticated (HTTP bearer), else the session's (stdio).
 */
export function createSwitchyardMcpServer(parts: SwitchyardMcpServerParts): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { resources: { listChanged: true }, tools: {} } });
  const tokenOf = (extra: RequestExtra, argument?: unknown): string | undefined =>
    (typeof argument === 'string' && argument.length > 0 ? argument : undefined) ?? extra.authInfo?.token ?? parts.sessionToken;

  for (const tool of SWITCHYARD_TOOLS) {
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: tool.inputSchema, outputSchema: tool.outputSchema },
      async (args: Record<string, unknown>, extra: RequestExtra) => {
        try {
          const { structured, summary } = await tool.run({ ...parts, authToken: tokenOf(extra, args.auth_token) }, args);
          if (tool.name === 'create_task' || tool.name === 'distribute_task') server.sendResourceListChanged();
          return { content: [{ type: 'text' as const, text: summary }], structuredContent: structured };
        } catch (error) {
          return toolError(error);
        }
      },
    );
  }

  server.registerResource(
    'agents',
    'switchyard://agents',
    { description: 'Every registered agent: capabilities, status, load, capacity, priority, outcome stats', mimeType: 'application/json' },
    async (uri, extra: RequestExtra) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await parts.engine.listAgents({ authToken: tokenOf(extra) }), null, 2) }],
    }),
  );

  server.registerResource(
    'task',
    new ResourceTemplate('switchyard://tasks/{taskId}', {
      list: async (extra: RequestExtra) => ({
        resources: (await parts.engine.listTasks({ authToken: tokenOf(extra), limit: 100 })).map((task) => ({
          uri: `switchyard://tasks/${task.id}`,
          name: `${task.type} ${task.id}`,
          mimeType: 'application/json',
        })),
      }),
    }),
    { description: "A task's state, result or error", mimeType: 'application/json' },
    async (uri, variables, extra: RequestExtra) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await parts.engine.getTask({ authToken: tokenOf(extra), taskId: String(variables.taskId) }), null, 2) }],
    }),
  );
  return server;
}
