import { SwitchyardError } from './switchyard-error.js';

export type TaskExecutionErrorCode =
  /** The task failed for good: a permanent error, a queue timeout, or a strategy that broke. */
  | 'TASK_FAILED'
  /** Every allowed attempt failed; the task keeps each attempt's error in its history. */
  | 'TASK_DEAD_LETTERED'
  /** Someone cancelled the task (cancelTask); details.error.message holds their reason. */
  | 'TASK_CANCELLED'
  /** No answer within the caller's timeout; the task keeps running and its result stays readable. */
  | 'TASK_TIMEOUT';

export class TaskExecutionError extends SwitchyardError {
  readonly code: TaskExecutionErrorCode;

  constructor(code: TaskExecutionErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
