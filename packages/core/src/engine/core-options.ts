import { z } from 'zod';
import { AuthOptionsSchema } from '../auth/auth-options.js';
import { CapabilitySchema, StrategyNameSchema } from '../models/identifiers.js';

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
});

export const TaskOptionsSchema = z.strictObject({
  /** How long executeTask waits for an answer when the caller gives no timeout. */
  defaultTimeoutMs: z.number().int().positive().max(86_400_000).default(30_000),
  /** Finished tasks kept readable (oldest dropped first); unfinished tasks are always kept. */
  retainFinished: z.number().int().nonnegative().default(10_000),
});

export const AgentLivenessOptionsSchema = z.strictObject({
  /** How often agents on a transport send a heartbeat (the orchestrator tells them at registration). */
  heartbeatIntervalMs: z.number().int().positive().max(3_600_000).default(1_000),
  /** Heartbeats an agent may miss before it is marked offline and routed around. */
  missedHeartbeats: z.number().int().positive().max(1_000).default(3),
});

/** Everything core needs to know from config. Each section has defaults. */
export const CoreOptionsSchema = z.strictObject({
  distribution: DistributionOptionsSchema.prefault({}),
  tasks: TaskOptionsSchema.prefault({}),
  agents: AgentLivenessOptionsSchema.prefault({}),
  auth: AuthOptionsSchema.prefault({}),
});

export type CoreOptions = z.output<typeof CoreOptionsSchema>;
export type CoreOptionsInput = z.input<typeof CoreOptionsSchema>;
