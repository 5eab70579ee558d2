import type { Logger } from '@switchyard/core';
import type { AgentMailboxes } from '@switchyard/mcp-server';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';
import type { Orchestrator } from '../container/build-orchestrator.js';
import { optionalPackage } from '../optional/optional-packages.js';

/**
 * The mailboxes of agents that are MCP clients, on a connection of their own to the
 * orchestrator's transport; an agent whose lease (agents.mcpLeaseMs) lapses is marked offline as
 * if it had said so itself, so a drain an operator asked for stays.
 */
export function createMcpAgentMailboxes(
  orchestrator: Orchestrator,
  config: OrchestratorConfig,
  logger: Logger,
): AgentMailboxes {
  // The MCP server package is optional: the caller's config check (or `mcp --stdio`) imported it.
  const { AgentMailboxes: Mailboxes } = optionalPackage('mcp', 'mcp.http.enabled');
  return new Mailboxes(orchestrator.connectAgentTransport(), {
    leaseMs: config.agents.mcpLeaseMs,
    setStatus: (agentId, status) => {
      if (status === 'offline')
        logger.warn('MCP agent stopped polling receive_tasks: marked offline', {
          agentId,
          leaseMs: config.agents.mcpLeaseMs,
        });
      return orchestrator.distributor.updateAgentStatus({ agentId, status }, true);
    },
    onReportFailed: (agentId, error) => {
      logger.warn('could not update the status of an MCP agent', {
        agentId,
        error: error instanceof Error ? error.message : String(error),
      });
    },
  });
}
