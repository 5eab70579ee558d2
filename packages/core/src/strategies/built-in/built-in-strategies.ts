import type { StrategyDefinition } from '../define-strategy.js';
import { capabilityMatchStrategy } from './capability-match-strategy.js';
import { loadBalancedStrategy } from './load-balanced-strategy.js';
import { priorityBasedStrategy } from './priority-based-strategy.js';
import { roundRobinStrategy } from './round-robin-strategy.js';

/** Registered in every StrategyRegistry. (`custom` is a name that points at a plugin, not a strategy.) */
export const BUILT_IN_STRATEGIES: readonly StrategyDefinition<Record<string, never>>[] = [
  capabilityMatchStrategy,
  roundRobinStrategy,
  loadBalancedStrategy,
  priorityBasedStrategy,
];
