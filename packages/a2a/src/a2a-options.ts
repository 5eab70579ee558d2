import { z } from 'zod';
import { A2aAgentsOptionsSchema } from './a2a-agents-options.js';
import { A2aServerOptionsSchema } from './a2a-server-options.js';

/** The `a2a` config section: A2A agents that join (`agents`), and Switchyard's own A2A endpoint (`server`). */
export const A2aOptionsSchema = z.strictObject({
  agents: A2aAgentsOptionsSchema.optional(),
  server: A2aServerOptionsSchema.prefault({}),
});

export type A2aOptions = z.output<typeof A2aOptionsSchema>;
export type A2aOptionsInput = z.input<typeof A2aOptionsSchema>;
