import { z } from 'zod';

/** The strategies every Switchyard has; plugins add more names. */
export const BuiltInStrategyNameSchema = z.enum([
  'capability_match',
  'round_robin',
  'load_balanced',
  'priority_based',
  'custom',
]);

export type BuiltInStrategyName = z.infer<typeof BuiltInStrategyNameSchema>;

export const BUILT_IN_STRATEGY_NAMES: readonly BuiltInStrategyName[] = BuiltInStrategyNameSchema.options;
