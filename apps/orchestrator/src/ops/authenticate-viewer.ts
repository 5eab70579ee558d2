import type { Authenticator, Principal } from '@switchyard/core';
import { authorize } from '@switchyard/core/internal';

/** The caller behind a token, if it may watch (ops:read or admin); AuthenticationError / AuthorizationError otherwise. */
export async function authenticateViewer(authenticator: Authenticator, token: string | undefined): Promise<Principal> {
  const principal = await authenticator.authenticate(token);
  authorize(principal, 'ops:read');
  return principal;
}
