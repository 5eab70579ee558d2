import { randomBytes } from 'node:crypto';
import type { Authenticator, Logger } from '@switchyard/core';
import type { Transport } from '@switchyard/core/internal';
import { createCoreModule, hashToken, OrchestrationEngine, TOKENS } from '@switchyard/core';
import { StrategyRegistry, TaskDistributor } from '@switchyard/core/internal';
import { Container } from 'inversify';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';
import { nodeTokenDigest } from '../auth/node-token-digest.js';
import { loadStrategyPlugins } from '../strategies/load-strategy-plugins.js';
import { wireDurability, wireSharedState, wireTransport } from './transport-wiring.js';

/** A wired orchestrator: the container and the pieces the commands use. */
export interface Orchestrator {
  readonly container: Container;
  readonly engine: OrchestrationEngine;
  readonly distributor: TaskDistributor;
  /** Every strategy, created once; dispose() them when the orchestrator stops. */
  readonly strategies: StrategyRegistry;
  /** The transport config chose, described for the start-up banner. */
  readonly transportDescription: string;
  /** Where tasks live, for the banner. */
  readonly durabilityDescription: string;
  /** Closes the connection behind services.sharedState (after the strategies are disposed). */
  closeSharedState(): Promise<void>;
  /** A new connection to the orchestrator's transport, for in-process agents. */
  connectAgentTransport(): Transport;
  /** An admin token that exists only in this process, for the daemon's own example traffic. */
  readonly internalToken: string;
  /** When the config defines no token: a random admin token made at start, to be shown once. */
  readonly generatedAdminToken: string | undefined;
  readonly authenticator: Authenticator;
}

/** Builds the inversify container from config: core, the chosen transport, the logger. */
export async function buildOrchestrator(
  config: OrchestratorConfig,
  logger: Logger,
  baseDir: string = process.cwd(),
): Promise<Orchestrator> {
  const strategies = await loadStrategyPlugins(config.strategies, baseDir);
  const internalToken = randomBytes(32).toString('base64url');
  const internalEntry = {
    name: 'switchyard-internal',
    sha256: await hashToken(internalToken),
    permissions: ['admin' as const],
  };
  // Nothing is open without a token, and there is no built-in key: with none configured, make one.
  const generatedAdminToken = config.auth.tokens.length === 0 ? randomBytes(32).toString('base64url') : undefined;
  const generatedEntries =
    generatedAdminToken === undefined
      ? []
      : [{ name: 'generated-admin', sha256: await hashToken(generatedAdminToken), permissions: ['admin' as const] }];
  const transport = wireTransport(config.transport);
  const durability = wireDurability(config);
  const sharedState = wireSharedState(config.transport);
  // The MCP lease is the MCP server's; core checks its own options strictly.
  const { mcpLeaseMs: _mcpLease, ...liveness } = config.agents;
  const container = new Container();
  container.load(
    createCoreModule(
      {
        distribution: config.distribution,
        tasks: config.tasks,
        agents: liveness,
        auth: { tokens: [...config.auth.tokens, ...generatedEntries, internalEntry] },
      },
      { logger, tokenDigest: nodeTokenDigest, strategies },
    ),
    transport.module,
  );
  if (durability.module !== undefined) container.load(durability.module);
  if (sharedState.module !== undefined) container.load(sharedState.module);
  return {
    container,
    engine: container.get(OrchestrationEngine),
    distributor: container.get(TaskDistributor),
    strategies: container.get(StrategyRegistry),
    transportDescription: transport.description,
    durabilityDescription: durability.description,
    closeSharedState: () => sharedState.close(),
    connectAgentTransport: () => transport.connect(),
    internalToken,
    generatedAdminToken,
    authenticator: container.get(TOKENS.Authenticator),
  };
}
