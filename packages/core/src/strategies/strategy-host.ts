import type { Logger } from '../ports/logger.js';
import type { SharedState } from '../ports/shared-state.js';
import type { AgentChange } from '../registry/agent-registry.js';

/** What a StrategyRegistry builds each strategy's services from. */
export interface StrategyHost {
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** One source of randomness for every strategy (tests); when absent each gets seededRandom(seed, its name). */
  readonly random?: () => number;
  /** Seeds the strategies' generators; a random one when absent. */
  readonly seed?: number;
  /** Where strategies' logs go (each scoped to its strategy); silent when absent. */
  readonly logger?: Logger;
  /** The fleet whose joins, leaves and changes strategies hear of (the AgentRegistry); none: no agent events. */
  readonly agents?: { watch(watcher: (change: AgentChange) => void): () => void };
  /** State shared between orchestrators; each strategy sees it under keys of its own. None: services.sharedState is undefined. */
  readonly sharedState?: SharedState;
}
