import { SwitchyardError } from './switchyard-error.js';

export type AuthorizationErrorCode =
  /** The principal lacks the permission the operation needs. */
  | 'FORBIDDEN'
  /** An agent answered, or acted for, a task or agent id that is not its own. */
  | 'NOT_ASSIGNED_AGENT'
  /** Another live agent holds this id, or another credential registered it. */
  | 'AGENT_ID_IN_USE'
  /** An agent envelope without the session its registration was granted. */
  | 'SESSION_INVALID'
  /** The principal already has as many agents registered as it may. */
  | 'AGENT_LIMIT';

export class AuthorizationError extends SwitchyardError {
  readonly code: AuthorizationErrorCode;

  constructor(code: AuthorizationErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
