import { AgentIdSchema, CapabilityListSchema } from '@switchyard/core';
import { z } from 'zod';

/** One fast-agent process: its Streamable HTTP URL, or the command that starts it on stdio. */
export const FastAgentServerSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "_" or "-"'),
    url: z.url().optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    cwd: z.string().min(1).optional(),
  })
  .refine((server) => (server.url === undefined) !== (server.command === undefined), { message: 'give exactly one of url or command', path: ['url'] });

/** How one fast-agent agent appears in Switchyard. */
export const FastAgentMappingSchema = z.strictObject({
  /** The fast-agent agent's name (its tool is named after it, or `<name>_send` on 0.2.x). */
  name: z.string().min(1),
  /** Only this server's agent of that name; any server's when omitted. */
  server: z.string().optional(),
  agentId: AgentIdSchema,
  capabilities: CapabilityListSchema,
  priority: z.number().default(0),
  capacity: z.number().int().positive().optional(),
});

export const FastAgentOptionsSchema = z.strictObject({
  servers: z.array(FastAgentServerSchema).min(1),
  agents: z.array(FastAgentMappingSchema).default([]),
  /** Agents found on a server but not listed: registered with these capabilities, or ignored. */
  unlisted: z
    .strictObject({
      register: z.boolean().default(false),
      capabilities: CapabilityListSchema.default(['fast-agent']),
      capacity: z.number().int().positive().default(4),
    })
    .prefault({}),
  callTimeoutMs: z.number().int().positive().default(120_000),
  /** Retries of a call that failed for a transient reason (connection, timeout), with exponential backoff. */
  retries: z.number().int().nonnegative().max(10).default(2),
  retryBackoffMs: z.number().int().nonnegative().default(250),
  circuitBreaker: z
    .strictObject({
      /** Consecutive failed calls that open the circuit (calls then fail at once). */
      failures: z.number().int().positive().default(5),
      /** How long it stays open before one trial call is let through. */
      openMs: z.number().int().positive().default(10_000),
    })
    .prefault({}),
  /** How often each server's tool list is re-read, and its health checked. */
  refreshIntervalMs: z.number().int().positive().default(10_000),
  /**
   * How long a refresh waits for a server (connect, tool list) before calling it unreachable: a
   * server that hangs must not keep its agents online until the SDK's one-minute default.
   */
  refreshTimeoutMs: z.number().int().positive().default(5_000),
});

export type FastAgentOptions = z.output<typeof FastAgentOptionsSchema>;
export type FastAgentOptionsInput = z.input<typeof FastAgentOptionsSchema>;
export type FastAgentServer = z.output<typeof FastAgentServerSchema>;
