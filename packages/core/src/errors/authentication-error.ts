import { SwitchyardError } from './switchyard-error.js';

/** The caller could not be identified: no token, or a token nobody issued. */
export class AuthenticationError extends SwitchyardError {
  readonly code = 'UNAUTHENTICATED';

  constructor(message = 'A valid auth token is required') {
    super(message);
  }
}
