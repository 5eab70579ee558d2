import { AgentIdSchema, CapabilityListSchema, JsonObjectSchema } from '@switchyard/core';
import { z } from 'zod';

/** The agent's own settings (the transport and handler are passed beside them). */
export const AgentOptionsSchema = z.strictObject({
  agentId: AgentIdSchema,
  capabilities: CapabilityListSchema,
  priority: z.number().default(0),
  /** Most tasks held at once; omitted means unbounded. */
  capacity: z.number().int().positive().optional(),
  metadata: JsonObjectSchema.optional(),
  /** How long to wait for the orchestrator to acknowledge register/unregister/status. */
  requestTimeoutMs: z.number().int().positive().default(5_000),
  /** Heartbeat period; by default the one the orchestrator asks for at registration. 0 sends none. */
  heartbeatIntervalMs: z.number().int().nonnegative().optional(),
  /** How long stop() lets running tasks finish before aborting them. */
  drainTimeoutMs: z.number().int().nonnegative().default(10_000),
  /**
   * How long a handler whose task was cancelled (task_cancel, or stop() aborting it) may take to
   * settle after its signal aborted; past it the task is reported stuck (a warning, and
   * `stuckTasks` in the agent's status reports). Its slot stays taken until it does settle.
   */
  cancelGraceMs: z.number().int().nonnegative().default(5_000),
  /**
   * How long an answer that could not be sent (the connection is down: NATS restarting) is
   * retried before it is given up. The orchestrator's attempt timeout retries the task anyway.
   */
  answerRetryMs: z.number().int().nonnegative().default(60_000),
  /** Sent with the registration when the orchestrator asks agents for a token (an agent-bound one with agents:register). */
  authToken: z.string().min(1).max(4096).optional(),
  /**
   * How long start() keeps trying while the orchestrator says the id is still held by a live
   * agent (AGENT_ID_IN_USE: a previous run of this agent that has not yet missed its heartbeats).
   */
  registerWaitMs: z.number().int().nonnegative().default(15_000),
  /**
   * Least time between two progress reports of one task (context.progress): reports in between
   * are coalesced, the latest kept and sent when the interval is up (or just before the answer).
   */
  progressIntervalMs: z.number().int().nonnegative().default(100),
});

export type AgentOptions = z.input<typeof AgentOptionsSchema>;
