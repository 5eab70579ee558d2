import type { Permission } from './permission.js';

/** Who is calling, as the Authenticator established it. */
export interface Principal {
  readonly name: string;
  readonly permissions: ReadonlySet<Permission>;
  /** When set, this principal acts only as this agent (registers it, answers its tasks). */
  readonly agentId?: string;
}
