import type { Logger } from '@switchyard/core';
import { AgentMailboxes, McpHttpServer } from '@switchyard/mcp-server';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';
import type { Orchestrator } from '../container/build-orchestrator.js';

/** A running MCP endpoint and what it holds. */
export interface ServedMcp {
  readonly url: string;
  stop(): Promise<void>;
}

/** Serves the orchestrator's MCP tools over Streamable HTTP, as config says; undefined when disabled. */
export async function serveMcpHttp(orchestrator: Orchestrator, config: OrchestratorConfig, logger: Logger): Promise<ServedMcp | undefined> {
  if (!config.mcp.http.enabled) return undefined;
  const mailboxes = new AgentMailboxes(orchestrator.connectAgentTransport());
  const http = new McpHttpServer({ engine: orchestrator.engine, authenticator: orchestrator.authenticator, mailboxes }, { ...config.mcp.http, logger });
  const url = await http.start();
  return {
    url,
    stop: async () => {
      await http.stop();
      await mailboxes.stop();
    },
  };
}
