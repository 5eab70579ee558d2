import { AgentIdSchema, CapabilityListSchema, MessagePrioritySchema, StrategyNameSchema } from '@switchyard/core';
import { z } from 'zod';

/** One in-process demo agent: it "works" for about latencyMs and fails at failureRate. */
export const DemoAgentSchema = z.strictObject({
  id: AgentIdSchema,
  capabilities: CapabilityListSchema,
  priority: z.number().default(0),
  capacity: z.number().int().positive().optional(),
  latencyMs: z.number().nonnegative().max(60_000).default(10),
  failureRate: z.number().min(0).max(1).default(0),
});

/** A kind of task the demo sends. */
export const DemoTaskTypeSchema = z.strictObject({
  type: z.string().min(1),
  requiredCapabilities: CapabilityListSchema,
  priority: MessagePrioritySchema.default('normal'),
  strategy: StrategyNameSchema.optional(),
});

export const DemoOptionsSchema = z.strictObject({
  agents: z.array(DemoAgentSchema).default([]),
  taskTypes: z.array(DemoTaskTypeSchema).default([]),
  /** `switchyard start`: example traffic while the daemon runs (0 sends none). */
  tasksPerSecond: z.number().nonnegative().max(10_000).default(0),
  /** `switchyard start`: how often a status line is printed. */
  reportIntervalMs: z.number().int().positive().default(5_000),
  /** `switchyard demo`: tasks per strategy and how many in flight at once. */
  batch: z
    .strictObject({
      tasks: z.number().int().positive().max(10_000_000).default(2_000),
      concurrency: z.number().int().positive().max(100_000).default(64),
    })
    .prefault({}),
});

export type DemoOptions = z.output<typeof DemoOptionsSchema>;
export type DemoAgent = z.output<typeof DemoAgentSchema>;
export type DemoTaskType = z.output<typeof DemoTaskTypeSchema>;
