import { defineStrategy } from '@switchyard/core';
import { z } from 'zod';

/**
 * The weighted pick an outside plugin writes with the v2 candidate view: a candidate drawn with
 * probability proportional to its priority, in O(log n) from the registry's Fenwick tree.
 */
export const weightedSampleStrategy = defineStrategy({
  name: 'weighted_sample',
  description: 'A candidate drawn in proportion to its priority.',
  optionsSchema: z.strictObject({}),
  create: (_options, { random }) => ({
    select: (candidates) => candidates.sampleByWeight(random()),
  }),
});
