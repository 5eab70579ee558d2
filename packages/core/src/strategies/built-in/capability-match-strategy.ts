import { z } from 'zod';
import { defineStrategy } from '../define-strategy.js';

/** The first-registered available agent that has every capability: simple and predictable. */
export const capabilityMatchStrategy = defineStrategy({
  name: 'capability_match',
  description: 'First registered available agent with every required capability.',
  optionsSchema: z.strictObject({}),
  create: () => ({ select: (candidates) => candidates.first() }),
});
