import { SwitchyardError } from './switchyard-error.js';

export type TaskStateErrorCode =
  /** A task with this id exists and has not finished. */
  | 'TASK_ALREADY_EXISTS'
  /** The operation needs a pending task. */
  | 'TASK_NOT_PENDING'
  /** The task already has its final result; a second answer never overwrites it. */
  | 'TASK_ALREADY_FINISHED'
  /** The task is not assigned to anyone, so nobody may answer it. */
  | 'TASK_NOT_ASSIGNED'
  /** The answer belongs to an earlier attempt of the task. */
  | 'STALE_ATTEMPT';

/** The task is not in a state where the operation is allowed. */
export class TaskStateError extends SwitchyardError {
  readonly code: TaskStateErrorCode;

  constructor(code: TaskStateErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
