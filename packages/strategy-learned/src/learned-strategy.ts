import { defineStrategy } from '@switchyard/core';
import { LearnedDistributionStrategy } from './learned-distribution-strategy.js';
import { learnedOptionsSchema } from './learned-options.js';

/**
 * Learns from outcomes which agent is best for each task type (success chance and latency) and
 * picks by Thompson sampling among the best known agents and a bounded random sample of the rest,
 * marked down by load. Memory is bounded (`maxArms`) and evidence fades (`window`,
 * `halfLifeMs`), so it follows agents that change.
 */
export const learnedStrategy = defineStrategy({
  name: 'learned',
  description:
    'Thompson sampling per task type on success chance / latency, learned from outcomes; bounded sample, load-aware, forgetting.',
  optionsSchema: learnedOptionsSchema,
  create: (options, services) => new LearnedDistributionStrategy(options, services),
});
