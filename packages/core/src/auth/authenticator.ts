import type { Principal } from './principal.js';

/** Maps a bearer token to a principal; throws AuthenticationError when it cannot. */
export interface Authenticator {
  authenticate(token: string | undefined): Promise<Principal>;
}
