import type { Logger } from '@switchyard/core';
import type { FastAgentBridge } from '@switchyard/fast-agent';
import type { HttpRoute } from '@switchyard/mcp-server';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';
import type { Orchestrator } from '../container/build-orchestrator.js';
import { optionalPackage } from '../optional/optional-packages.js';
import { DashboardFeed } from '../ops/dashboard/dashboard-feed.js';
import { DashboardServer } from '../ops/dashboard/dashboard-server.js';
import { MetricsRoute } from '../ops/metrics-route.js';
import { SwitchyardMetrics } from '../ops/switchyard-metrics.js';
import { createMcpAgentMailboxes } from './create-mcp-agent-mailboxes.js';

/** The orchestrator's HTTP server and where each of its parts is. */
export interface ServedHttp {
  readonly mcpUrl: string;
  readonly metricsUrl: string | undefined;
  readonly dashboardUrl: string | undefined;
  /** Where A2A clients find Switchyard's Agent Card, when a2a.server is on. */
  readonly a2aCardUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * One HTTP server, as config says: the MCP endpoint at /mcp, Prometheus metrics at /metrics,
 * the live dashboard at /dashboard and the A2A endpoint (a2a.server), so an operator opens one port. Undefined when mcp.http is off.
 */
export async function serveOrchestratorHttp(
  orchestrator: Orchestrator,
  config: OrchestratorConfig,
  logger: Logger,
  fastAgent?: FastAgentBridge,
): Promise<ServedHttp | undefined> {
  if (!config.mcp.http.enabled) return undefined;
  const { McpHttpServer } = optionalPackage('mcp', 'mcp.http.enabled');
  const metrics = config.metrics.enabled
    ? new SwitchyardMetrics(orchestrator.distributor, {
        guard: orchestrator.engine,
        fastAgentStats: fastAgent === undefined ? undefined : () => fastAgent.serverStats(),
        strategyMetrics: () => orchestrator.strategies.metrics(),
      })
    : undefined;
  const feed = config.dashboard.enabled
    ? new DashboardFeed(orchestrator.distributor, Date.now, orchestrator.engine)
    : undefined;
  const dashboard = feed === undefined ? undefined : await DashboardServer.load(feed, orchestrator.authenticator);
  // Imported only when on: the A2A server needs the optional @switchyard/a2a package.
  const a2aServer =
    config.a2a?.server.enabled === true
      ? new (optionalPackage('a2a', 'a2a.server.enabled').A2aServer)(
          {
            engine: orchestrator.engine,
            authenticator: orchestrator.authenticator,
            fleet: () => orchestrator.distributor.listAgents(),
            logger,
          },
          config.a2a.server,
        )
      : undefined;
  const routes: HttpRoute[] = [
    ...(a2aServer?.routes() ?? []),
    ...(metrics === undefined
      ? []
      : [new MetricsRoute(metrics, orchestrator.authenticator, config.metrics.requireToken)]),
    ...(dashboard?.routes ?? []),
  ];
  const mailboxes = createMcpAgentMailboxes(orchestrator, config, logger);
  const http = new McpHttpServer(
    { engine: orchestrator.engine, authenticator: orchestrator.authenticator, mailboxes },
    { ...config.mcp.http, logger, routes },
  );
  const stopParts = async (): Promise<void> => {
    feed?.stop();
    metrics?.stop();
    await mailboxes.stop();
  };
  let mcpUrl: string;
  try {
    mcpUrl = await http.start();
  } catch (error) {
    await stopParts();
    throw error;
  }
  feed?.start();
  return {
    mcpUrl,
    metricsUrl: metrics === undefined ? undefined : new URL('/metrics', mcpUrl).href,
    dashboardUrl: dashboard === undefined ? undefined : new URL('/dashboard', mcpUrl).href,
    a2aCardUrl: a2aServer === undefined ? undefined : new URL('/.well-known/agent-card.json', mcpUrl).href,
    stop: async () => {
      await http.stop();
      await stopParts();
    },
  };
}
