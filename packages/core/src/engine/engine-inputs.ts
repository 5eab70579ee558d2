import { z } from 'zod';
import { DistributeTaskInputSchema } from '../distribution/task-inputs.js';
import type { DistributeTaskInput } from '../distribution/task-inputs.js';
import { fastPathRegistry } from '../validation/fast-path-registry.js';
import { parseRunTaskRequestFast } from '../validation/parse-distribute-task-input-fast.js';
import { TaskIdSchema } from '../models/identifiers.js';
import { TaskStatusSchema } from '../models/task.js';
import { LIMITS } from '../models/limits.js';
import type { TaskProgressListener } from '../models/task-progress.js';

/** A caller's progress callback: called with each progress report of the task while it waits. */
const ProgressListenerSchema = z.custom<TaskProgressListener>((value) => typeof value === 'function', {
  message: 'must be a function',
});

/** Every engine call carries the caller's token next to the operation's own fields. */
export type WithAuth<T> = T & { readonly authToken?: string };

export const ExecuteTaskInputSchema = z.strictObject({
  taskId: TaskIdSchema,
  /** How long to wait for the answer; the configured default when omitted. */
  timeoutMs: z.number().int().positive().max(LIMITS.durationMs).optional(),
  /** Told each progress report the task's agent sends while this caller waits (docs/protocol.md, task_progress). */
  onProgress: ProgressListenerSchema.optional(),
});

/**
 * runTask as the engine takes it: a new task as for distributeTask, the caller's token (left out
 * of the output) and how long the caller waits for the answer. Checked once per task, so by hand first.
 */
export const RunTaskRequestSchema = fastPathRegistry.attach(
  DistributeTaskInputSchema.extend({
    authToken: z.string().optional(),
    timeoutMs: ExecuteTaskInputSchema.shape.timeoutMs,
    onProgress: ExecuteTaskInputSchema.shape.onProgress,
  }).transform(({ authToken: _token, onProgress: _listener, ...task }) => task),
  parseRunTaskRequestFast,
);

export const TaskIdInputSchema = z.strictObject({ taskId: TaskIdSchema });

export const CancelTaskInputSchema = z.strictObject({
  taskId: TaskIdSchema,
  /** Why, for the task's error and the agent's task_cancel; by default who cancelled it. */
  reason: z.string().min(1).max(1_000).optional(),
});

export const ListTasksInputSchema = z.strictObject({
  status: TaskStatusSchema.optional(),
  limit: z.number().int().positive().max(10_000).default(100),
  /** `newest` lists the most recently created first (what an operator looking at a busy orchestrator wants). */
  order: z.enum(['oldest', 'newest']).default('oldest'),
  /** Resume after this task (the last id of the previous page). */
  after: TaskIdSchema.optional(),
});

export type ExecuteTaskInput = z.input<typeof ExecuteTaskInputSchema>;
/**
 * A new task, how long to wait for its answer (the configured default when omitted), and who
 * hears its progress reports meanwhile.
 */
export type RunTaskInput = DistributeTaskInput & {
  readonly timeoutMs?: number;
  readonly onProgress?: TaskProgressListener;
};
export type ListTasksInput = z.input<typeof ListTasksInputSchema>;
export type CancelTaskInput = z.input<typeof CancelTaskInputSchema>;
