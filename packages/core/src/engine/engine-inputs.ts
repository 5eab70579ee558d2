import { z } from 'zod';
import { TaskIdSchema } from '../models/identifiers.js';
import { TaskStatusSchema } from '../models/task.js';

/** Every engine call carries the caller's token next to the operation's own fields. */
export type WithAuth<T> = T & { readonly authToken?: string };

export const ExecuteTaskInputSchema = z.strictObject({
  taskId: TaskIdSchema,
  /** How long to wait for the answer; the configured default when omitted. */
  timeoutMs: z.number().int().positive().max(86_400_000).optional(),
});

export const TaskIdInputSchema = z.strictObject({ taskId: TaskIdSchema });

export const ListTasksInputSchema = z.strictObject({
  status: TaskStatusSchema.optional(),
  limit: z.number().int().positive().max(10_000).default(100),
  /** `newest` lists the most recently created first (what an operator looking at a busy orchestrator wants). */
  order: z.enum(['oldest', 'newest']).default('oldest'),
});

export type ExecuteTaskInput = z.input<typeof ExecuteTaskInputSchema>;
export type ListTasksInput = z.input<typeof ListTasksInputSchema>;
