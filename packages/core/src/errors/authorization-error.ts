import { SwitchyardError } from './switchyard-error.js';

export type AuthorizationErrorCode =
  /** The principal lacks the permission the operation needs. */
  | 'FORBIDDEN'
  /** An agent answered, or acted for, a task or agent id that is not its own. */
  | 'NOT_ASSIGNED_AGENT';

export class AuthorizationError extends SwitchyardError {
  readonly code: AuthorizationErrorCode;

  constructor(code: AuthorizationErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
