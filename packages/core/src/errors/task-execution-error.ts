import { SwitchyardError } from './switchyard-error.js';

export type TaskExecutionErrorCode =
  /** The agent answered that the task failed. */
  | 'TASK_FAILED'
  /** No answer within the caller's timeout; the task keeps running and its result stays readable. */
  | 'TASK_TIMEOUT';

export class TaskExecutionError extends SwitchyardError {
  readonly code: TaskExecutionErrorCode;

  constructor(code: TaskExecutionErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
