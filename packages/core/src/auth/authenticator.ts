import type { Principal } from './principal.js';

/** Maps a bearer token to a principal; throws AuthenticationError when it cannot. */
export interface Authenticator {
  authenticate(token: string | undefined): Promise<Principal>;
  /**
   * The principal of a token this authenticator has already verified, answered synchronously
   * (no promise per call on the hot path); undefined means "ask authenticate".
   */
  recognize?(token: string): Principal | undefined;
}
