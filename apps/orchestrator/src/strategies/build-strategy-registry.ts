import type { Logger } from '@switchyard/core';
import { createCoreModule } from '@switchyard/core';
import { StrategyRegistry } from '@switchyard/core/internal';
import { Container } from 'inversify';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';
import { wireSharedState } from '../container/transport-wiring.js';
import { loadStrategyPlugins } from './load-strategy-plugins.js';

/**
 * The strategies exactly as `start` builds them: the same plugin loading and checks, core's
 * registration (each create() once), and the check of every strategy name the distribution
 * options use. For `config check`, which disposes them at once.
 */
export async function buildStrategyRegistry(
  config: OrchestratorConfig,
  baseDir: string,
  logger: Logger,
): Promise<StrategyRegistry> {
  const strategies = await loadStrategyPlugins(config.strategies, baseDir);
  const container = new Container();
  container.load(createCoreModule({ distribution: config.distribution }, { logger, strategies }));
  // The strategies see the shared state start gives them; it opens nothing unless used, and they are disposed at once.
  const sharedState = wireSharedState(config.transport);
  if (sharedState.module !== undefined) container.load(sharedState.module);
  return container.get(StrategyRegistry);
}
