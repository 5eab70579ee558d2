import type { SwitchyardAgent } from '@switchyard/agent';
import type { Logger } from '@switchyard/core';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';
import { startDemoFleet, stopDemoFleet } from '../demo/demo-fleet.js';
import { logDistributionEvents } from '../ops/log-distribution-events.js';
import type { Orchestrator } from './build-orchestrator.js';
import { buildOrchestrator } from './build-orchestrator.js';

/** An orchestrator listening on its transport, with the config's demo fleet joined. */
export interface RunningOrchestrator {
  readonly orchestrator: Orchestrator;
  readonly fleet: readonly SwitchyardAgent[];
  /** The fleet leaves (draining its tasks), then the engine stops and the strategies are disposed. */
  stop(): Promise<void>;
}

/** What every long-running command starts with: build from config, start, log what it does, let the demo fleet join. */
export async function startOrchestrator(
  config: OrchestratorConfig,
  logger: Logger,
  baseDir: string,
): Promise<RunningOrchestrator> {
  const orchestrator = await buildOrchestrator(config, logger, baseDir);
  const stopLogging = logDistributionEvents(orchestrator.distributor, logger);
  await orchestrator.engine.start();
  const fleet = await startDemoFleet(
    config.demo.agents,
    () => orchestrator.connectAgentTransport(),
    logger,
    orchestrator.internalToken,
  );
  return {
    orchestrator,
    fleet,
    stop: async () => {
      await stopDemoFleet(fleet);
      await orchestrator.engine.stop();
      orchestrator.strategies.dispose();
      await orchestrator.closeSharedState();
      stopLogging();
    },
  };
}
