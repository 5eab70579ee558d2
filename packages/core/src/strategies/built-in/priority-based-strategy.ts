import { z } from 'zod';
import { defineStrategy } from '../define-strategy.js';

/** Highest priority; ties go to the lower load ratio, then lower load, then earlier registration. */
export const priorityBasedStrategy = defineStrategy({
  name: 'priority_based',
  description: 'Highest agent priority; ties: lower load ratio, lower load, earlier registration.',
  optionsSchema: z.strictObject({}),
  create: () => ({ select: (candidates) => candidates.maxByPriority() }),
});
