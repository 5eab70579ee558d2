import { z } from 'zod';
import { defineStrategy } from '../define-strategy.js';

/** Lowest load/capacity; ties go to lower load, then higher priority, then earlier registration. */
export const loadBalancedStrategy = defineStrategy({
  name: 'load_balanced',
  description:
    'Lowest load/capacity ratio (unbounded capacity counts as 0); ties: lower load, higher priority, earlier registration.',
  optionsSchema: z.strictObject({}),
  create: () => ({ select: (candidates) => candidates.minByLoadRatio() }),
});
