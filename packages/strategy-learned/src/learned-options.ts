import { z } from 'zod';

/** A dotted path into taskData, e.g. `kind` or `job.family`. */
const DataPath = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^.]+(\.[^.]+)*$/, 'must be a dotted path such as kind or job.family');

/**
 * `share`: replicas of this strategy on other orchestrators learn together through
 * services.sharedState (a JetStream KV bucket over NATS).
 */
const ShareOptions = z.strictObject({
  /** Names the shared table: replicas with the same key pool their evidence; use another key for a separate fleet. */
  key: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')
    .default('table'),
  /** How often this replica publishes its own evidence and reads the others'. */
  intervalMs: z.number().int().min(100).max(3_600_000).default(5_000),
  /** Most (agent, task type) records this replica publishes: its most recently updated ones. */
  maxArms: z.number().int().min(1).max(2_000).default(1_000),
});

/**
 * The learned strategy's options. What a task "type" is decides what is learned separately:
 * an agent can be good at one kind of task and bad at another.
 */
export const learnedOptionsSchema = z
  .strictObject({
    /** What tells task types apart: the required capabilities (sorted), the task's `type`, or a taskData field (`keyPath`). */
    key: z.enum(['capabilities', 'type', 'data']).default('capabilities'),
    /** With `key: 'data'`: the taskData field whose value is the task type. */
    keyPath: DataPath.optional(),
    /** A numeric taskData field (a declared cost or size): tasks are also told apart by its power-of-two bucket. */
    featurePath: DataPath.optional(),
    /** Random candidates looked at per decision (besides the best agents known for the task type). */
    sample: z.number().int().min(1).max(64).default(3),
    /** Best agents remembered per task type and always looked at when they are candidates. */
    elite: z.number().int().min(0).max(16).default(4),
    /** Evidence an agent keeps per task type, in observations: each new one discounts the old by 1 - 1/window. */
    window: z.number().min(2).max(1_000_000).default(100),
    /** Time after which evidence not refreshed counts half, so an agent not tried for a while is tried again. */
    halfLifeMs: z
      .number()
      .positive()
      .max(365 * 24 * 3_600_000)
      .default(600_000),
    /** How much a busy agent is marked down: the score is multiplied by 1 - loadWeight × load/capacity. */
    loadWeight: z.number().min(0).max(1).default(0.5),
    /** Most (agent, task type) records kept; the least recently updated go first. */
    maxArms: z.number().int().min(1).max(10_000_000).default(100_000),
    /** Learn together with the replicas of this strategy on other orchestrators (absent: learn alone). */
    share: ShareOptions.optional(),
  })
  .superRefine((options, context) => {
    if (options.key === 'data' && options.keyPath === undefined) {
      context.addIssue({ code: 'custom', path: ['keyPath'], message: "is required when key is 'data'" });
    }
    if (options.key !== 'data' && options.keyPath !== undefined) {
      context.addIssue({ code: 'custom', path: ['keyPath'], message: "is only used when key is 'data'" });
    }
  });

export type LearnedOptions = z.output<typeof learnedOptionsSchema>;
