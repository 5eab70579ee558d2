import { z } from 'zod';

/**
 * `durability: { kind: jetstream }` — tasks and agents in JetStream on the transport's NATS, so
 * an orchestrator that restarts carries on and several orchestrators share the work.
 */
export const JetStreamDurabilityOptionsSchema = z.strictObject({
  kind: z.literal('jetstream'),
  /** Names this orchestrator in what it writes; defaults to host name and process id. */
  orchestratorId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')
    .optional(),
  /**
   * How long a task taken from the work queue stays with an orchestrator that stopped confirming
   * it (it confirms every ackWaitMs / 5, at most every second). An orchestrator that dies hands its tasks over after this.
   */
  ackWaitMs: z.number().int().min(1_000).max(3_600_000).default(10_000),
  /** Tasks one orchestrator takes from the work queue at once, per priority level. */
  maxTasksHeld: z.number().int().positive().max(100_000).default(1_000),
  /** Copies of the stream and buckets: 1 on a single server, 3 on a cluster. */
  replicas: z.number().int().min(1).max(5).default(1),
  /** How long finished tasks stay readable in the journal. */
  retainFinishedMs: z
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3_600_000),
  /**
   * Tasks the work stream holds at most, waiting or running on any orchestrator (the app sets it
   * to tasks.queue.maxLength); a submission beyond it is refused with QUEUE_FULL, keeping nothing.
   * Unset: unbounded.
   */
  maxWorkItems: z.number().int().positive().optional(),
  /** The work queue refuses the same task id twice within this window (JetStream's duplicate window). */
  duplicateWindowMs: z.number().int().min(1_000).default(120_000),
});

export type JetStreamDurabilityOptions = z.output<typeof JetStreamDurabilityOptionsSchema>;
export type JetStreamDurabilityOptionsInput = z.input<typeof JetStreamDurabilityOptionsSchema>;
