import { AuthorizationError } from '../errors/authorization-error.js';
import type { Permission } from './permission.js';
import type { Principal } from './principal.js';

/** Throws AuthorizationError unless the principal holds one of the permissions (or admin). */
export function authorize(principal: Principal, ...anyOf: readonly Permission[]): void {
  if (principal.permissions.has('admin')) return;
  if (anyOf.some((permission) => principal.permissions.has(permission))) return;
  throw new AuthorizationError('FORBIDDEN', `'${principal.name}' lacks the permission ${anyOf.join(' or ')}`, {
    principal: principal.name,
    required: anyOf,
  });
}

/** Throws unless the principal may act as this agent (principals bound to an agent act only as it). */
export function authorizeAgent(principal: Principal, agentId: string): void {
  if (principal.agentId !== undefined && principal.agentId !== agentId) {
    throw new AuthorizationError(
      'NOT_ASSIGNED_AGENT',
      `'${principal.name}' may act only as agent '${principal.agentId}'`,
      {
        principal: principal.name,
        agentId,
      },
    );
  }
}
