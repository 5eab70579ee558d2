import { z } from 'zod';
import { AgentIdSchema } from '../models/identifiers.js';
import { PermissionSchema } from './permission.js';

export const TokenEntrySchema = z.strictObject({
  /** Shown in logs instead of the token. */
  name: z.string().min(1).max(128),
  /** SHA-256 of the token, hex (`switchyard token create` prints one). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters (SHA-256 of the token)'),
  permissions: z.array(PermissionSchema).min(1),
  /** Limits the token to acting as this one agent. */
  agentId: AgentIdSchema.optional(),
});

export type TokenEntry = z.infer<typeof TokenEntrySchema>;

export const AuthOptionsSchema = z.strictObject({
  tokens: z.array(TokenEntrySchema).default([]),
});

export type AuthOptions = z.infer<typeof AuthOptionsSchema>;
