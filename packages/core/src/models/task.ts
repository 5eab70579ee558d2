import { z } from 'zod';
import type { JsonValue } from './json-value.js';
import type { MessagePriority } from './message-priority.js';
import { LIMITS } from './limits.js';
import type { TaskProgressEvent } from './task-progress.js';

/**
 * pending: created, not yet handed over (createTask); queued: waiting for a free capable agent
 * or for its retry back-off; assigned: at an agent; completed | failed | dead_lettered |
 * cancelled (someone called cancelTask): final.
 */
export const TaskStatusSchema = z.enum([
  'pending',
  'queued',
  'assigned',
  'completed',
  'failed',
  'dead_lettered',
  'cancelled',
]);

export type TaskStatus = z.infer<typeof TaskStatusSchema>;

/** Why a task failed, as the agent (or Switchyard) said it. */
export const TaskErrorInfoSchema = z.strictObject({
  message: z.string().max(LIMITS.errorMessageLength),
  code: z.string().max(LIMITS.errorCodeLength).optional(),
  /** The agent says retrying will not help. */
  permanent: z.boolean().optional(),
});

export type TaskErrorInfo = z.infer<typeof TaskErrorInfoSchema>;

/** One hand-over of a task to an agent and how it ended (error null while running or when it completed). */
export interface TaskAttempt {
  readonly attempt: number;
  readonly agentId: string;
  readonly assignedAt: number;
  readonly finishedAt: number | null;
  /** refused: the agent turned the hand-over down without starting it (at capacity, not accepting). */
  readonly outcome:
    'running' | 'completed' | 'failed' | 'timed_out' | 'agent_lost' | 'not_delivered' | 'refused' | 'cancelled';
  readonly error: TaskErrorInfo | null;
}

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
  /** Attempts that ended in the task's own failure (failed answer, timeout); retries stop at maxAttempts. */
  readonly failures: number;
  readonly maxAttempts: number;
  /** Every hand-over, oldest first, with its outcome. */
  readonly history: readonly TaskAttempt[];
  readonly result: JsonValue | null;
  readonly error: TaskErrorInfo | null;
  readonly createdAt: number;
  /** When it last entered the queue (null when it never waited). */
  readonly queuedAt: number | null;
  /** While waiting for a retry: the earliest time of the next attempt. */
  readonly retryAt: number | null;
  readonly assignedAt: number | null;
  readonly finishedAt: number | null;
  /** The last progress its agent reported (context.progress), when it reported any. */
  readonly progress?: TaskProgressEvent | undefined;
}

export const FINISHED_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>([
  'completed',
  'failed',
  'dead_lettered',
  'cancelled',
]);
