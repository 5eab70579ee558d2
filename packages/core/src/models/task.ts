import { z } from 'zod';
import type { JsonValue } from './json-value.js';
import type { MessagePriority } from './message-priority.js';

export const TaskStatusSchema = z.enum(['pending', 'assigned', 'completed', 'failed']);

export type TaskStatus = z.infer<typeof TaskStatusSchema>;

/** Why a task failed, as the agent (or Switchyard) said it. */
export const TaskErrorInfoSchema = z.strictObject({
  message: z.string().max(10_000),
  code: z.string().max(128).optional(),
  /** The agent says retrying will not help. */
  permanent: z.boolean().optional(),
});

export type TaskErrorInfo = z.infer<typeof TaskErrorInfoSchema>;

/** A task and everything that happened to it so far (a snapshot: mutating it changes nothing). */
export interface Task {
  readonly id: string;
  readonly type: string;
  readonly requiredCapabilities: readonly string[];
  readonly data: JsonValue;
  readonly senderId: string;
  readonly priority: MessagePriority;
  /** The strategy asked for; null means the configured default. */
  readonly strategy: string | null;
  readonly status: TaskStatus;
  readonly assignedAgentId: string | null;
  /** How many times it was handed to an agent; answers are fenced by this number. */
  readonly attempts: number;
  readonly result: JsonValue | null;
  readonly error: TaskErrorInfo | null;
  readonly createdAt: number;
  readonly assignedAt: number | null;
  readonly finishedAt: number | null;
}

export const FINISHED_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['completed', 'failed']);
