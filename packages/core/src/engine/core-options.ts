import { z } from 'zod';
import { AuthOptionsSchema } from '../auth/auth-options.js';
import { CapabilitySchema, StrategyNameSchema } from '../models/identifiers.js';
import { LIMITS } from '../models/limits.js';

export const DistributionOptionsSchema = z.strictObject({
  /** Used when a task names no strategy. */
  defaultStrategy: StrategyNameSchema.default('capability_match'),
  /**
   * Strategy per capability. A task that names no strategy uses the one mapped to the first of
   * its required capabilities that has one, else defaultStrategy.
   */
  capabilityStrategies: z.record(CapabilitySchema, StrategyNameSchema).default({}),
  /** The registered plugin that the name `custom` stands for. */
  customStrategy: StrategyNameSchema.optional(),
  /** Most distinct capability sets indexed at once (least recently used dropped beyond). */
  maxCandidatePools: z.number().int().positive().default(4096),
  /** Seeds each strategy's `random` (with its name), so a run repeats its choices; random per start when unset. */
  randomSeed: z.number().int().min(0).max(0xffff_ffff).optional(),
});

const DurationMsSchema = z.number().int().positive().max(LIMITS.durationMs);

export const QueueOptionsSchema = z.strictObject({
  /** Most tasks waiting at once (for capacity or a retry); beyond it new tasks are refused with QUEUE_FULL. */
  maxLength: z.number().int().positive().default(100_000),
  /** Longest continuous wait for capacity before a task fails with QUEUE_TIMEOUT; null waits as long as it takes. */
  timeoutMs: DurationMsSchema.nullable().default(600_000),
  /** A waiting task climbs one priority level per agingMs waited, so low never starves; 0 turns aging off. */
  agingMs: z.number().int().nonnegative().max(LIMITS.durationMs).default(30_000),
});

export const RetryOptionsSchema = z
  .strictObject({
    /** Attempts that may end in the task's own failure (a failed answer or a timeout) before it is dead-lettered. */
    maxAttempts: z.number().int().positive().max(1_000).default(3),
    initialDelayMs: z.number().int().nonnegative().max(3_600_000).default(100),
    maxDelayMs: z.number().int().nonnegative().max(3_600_000).default(10_000),
    multiplier: z.number().min(1).max(100).default(2),
    /** Share of each delay taken off at random (0 = none, 1 = anywhere between 0 and the delay). */
    jitter: z.number().min(0).max(1).default(0.2),
    /**
     * Hand-overs undone because the agent died, left or could not be reached. They do not count
     * as attempts (the task did nothing wrong), but a task that keeps killing agents stops here.
     */
    maxRedistributions: z.number().int().nonnegative().max(10_000).default(20),
  })
  .refine((retry) => retry.maxDelayMs >= retry.initialDelayMs, {
    message: 'must be at least initialDelayMs',
    path: ['maxDelayMs'],
  });

export const TaskOptionsSchema = z.strictObject({
  /** How long executeTask waits for an answer when the caller gives no timeout. */
  defaultTimeoutMs: DurationMsSchema.default(30_000),
  /** How long one agent may hold a task before the attempt counts as failed (and is retried). */
  attemptTimeoutMs: DurationMsSchema.default(60_000),
  /** Finished tasks kept readable (oldest dropped first); unfinished tasks are always kept. */
  retainFinished: z.number().int().nonnegative().default(10_000),
  /** How long a created task may wait for executeTask; then it fails with PENDING_EXPIRED (so nothing is kept for ever). */
  pendingTtlMs: DurationMsSchema.default(3_600_000),
  queue: QueueOptionsSchema.prefault({}),
  retry: RetryOptionsSchema.prefault({}),
});

export const AgentLivenessOptionsSchema = z
  .strictObject({
    /** How often agents on a transport send a heartbeat (the orchestrator tells them at registration). */
    heartbeatIntervalMs: z.number().int().positive().max(3_600_000).default(1_000),
    /** Heartbeats an agent may miss before it is marked offline and routed around. */
    missedHeartbeats: z.number().int().positive().max(1_000).default(3),
    /** An agent offline this long is removed from the registry (a later heartbeat is told to register again). */
    forgetAfterMs: DurationMsSchema.default(3_600_000),
    /** Refuse an agent_register over the transport that carries no `authToken` (see docs/protocol.md). */
    requireToken: z.boolean().default(false),
    /** Most agents one principal (token name; agents without a token share one) may have registered at once. */
    maxAgentsPerPrincipal: z.number().int().positive().max(10_000_000).default(10_000),
    /** Most capabilities one agent may declare (the wire schema's own ceiling is 256). */
    maxCapabilitiesPerAgent: z.number().int().positive().max(256).default(64),
    /** Largest `metadata` of one agent, in bytes of its JSON. */
    maxMetadataBytes: z.number().int().nonnegative().max(16_777_216).default(16_384),
    /** The per-agent circuit breaker: lost hand-overs and timed-out attempts in a row before an agent is quarantined. */
    quarantineAfterFailures: z.number().int().positive().max(1_000).default(3),
    /** First quarantine; each further one doubles it, up to quarantineMaxMs. */
    quarantineInitialMs: DurationMsSchema.default(10_000),
    quarantineMaxMs: DurationMsSchema.default(600_000),
    /** Repeated warnings about bad input: per message and interval, one line per sender (at most warningSendersPerInterval), then one summary. */
    warningIntervalMs: DurationMsSchema.default(10_000),
    warningSendersPerInterval: z.number().int().positive().max(1_000).default(10),
  })
  .refine((agents) => agents.quarantineMaxMs >= agents.quarantineInitialMs, {
    message: 'must be at least quarantineInitialMs',
    path: ['quarantineMaxMs'],
  });

/** Everything core needs to know from config. Each section has defaults. */
export const CoreOptionsSchema = z.strictObject({
  distribution: DistributionOptionsSchema.prefault({}),
  tasks: TaskOptionsSchema.prefault({}),
  agents: AgentLivenessOptionsSchema.prefault({}),
  auth: AuthOptionsSchema.prefault({}),
});

export type CoreOptions = z.output<typeof CoreOptionsSchema>;
export type RetryOptions = z.output<typeof RetryOptionsSchema>;
export type AgentLivenessOptions = z.output<typeof AgentLivenessOptionsSchema>;
export type CoreOptionsInput = z.input<typeof CoreOptionsSchema>;
