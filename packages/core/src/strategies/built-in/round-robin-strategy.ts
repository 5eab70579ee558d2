import { z } from 'zod';
import { defineStrategy } from '../define-strategy.js';

/** Takes turns among the available agents of each capability set, in registration order. */
export const roundRobinStrategy = defineStrategy({
  name: 'round_robin',
  description:
    'Real rotation per capability set, in registration order; a newcomer takes its first turn after every agent already waiting.',
  optionsSchema: z.strictObject({}),
  create: () => ({ select: (candidates) => candidates.nextInRotation() }),
});
