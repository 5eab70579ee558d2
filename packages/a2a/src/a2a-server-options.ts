import { StrategyNameSchema } from '@switchyard/core';
import { z } from 'zod';

/** `a2a.server` in config: Switchyard's own A2A endpoint, on the orchestrator's HTTP server (off by default). */
export const A2aServerOptionsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Where the JSON-RPC endpoint is; the card is at /.well-known/agent-card.json. */
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path such as /a2a')
    .refine((path) => path !== '/mcp' && !path.startsWith('/.well-known'), 'must not be /mcp or under /.well-known')
    .default('/a2a'),
  /** The card's name and description. */
  name: z.string().min(1).max(200).default('Switchyard'),
  description: z
    .string()
    .min(1)
    .max(2_000)
    .default(
      'A fleet of agents: name one of the skills in message.metadata.skill and Switchyard hands the message to an agent that has it.',
    ),
  /** The base URL clients reach the server at (behind a proxy, say); by default the request's own Host. */
  publicUrl: z.url().optional(),
  /** How long a message's task may take before it fails as TASK_TIMEOUT (the task itself keeps its own limits). */
  taskTimeoutMs: z.number().int().positive().max(86_400_000).default(300_000),
  /** The strategy for tasks from A2A clients; the orchestrator's default when omitted. */
  strategy: StrategyNameSchema.optional(),
  /** Largest JSON-RPC request body; larger ones get 413. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1_024)
    .max(256 * 1024 * 1024)
    .default(1_000_000),
});

export type A2aServerOptions = z.output<typeof A2aServerOptionsSchema>;
export type A2aServerOptionsInput = z.input<typeof A2aServerOptionsSchema>;
