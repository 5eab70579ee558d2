/**
 * Throw this from a task handler to fail the task with a code, and to say whether a retry could
 * help (`permanent: true` means it cannot). Any other thrown error fails the task as HANDLER_ERROR.
 */
export class TaskFailure extends Error {
  readonly code: string;
  readonly permanent: boolean;

  constructor(message: string, options: { code?: string; permanent?: boolean } = {}) {
    super(message);
    this.name = 'TaskFailure';
    this.code = options.code ?? 'TASK_FAILED';
    this.permanent = options.permanent ?? false;
  }
}
