import { randomBytes } from 'node:crypto';
import type { Permission } from '@switchyard/core';
import { AgentIdSchema, hashToken, PermissionSchema } from '@switchyard/core';
import { parseInput } from '@switchyard/core/internal';
import { stringify } from 'yaml';
import { z } from 'zod';
import type { CommandIo } from './command-io.js';

const TokenCreateOptionsSchema = z.strictObject({
  name: z.string().min(1).max(128),
  permission: z.array(PermissionSchema).min(1),
  agentId: AgentIdSchema.optional(),
});

/** `switchyard token create`: a new random token, shown once, and the config entry that stores only its hash. */
export async function runTokenCreate(
  options: { name: string; permission: string[]; agentId?: string },
  io: CommandIo,
): Promise<number> {
  const parsed = parseInput(TokenCreateOptionsSchema, options, 'token options');
  const token = randomBytes(32).toString('base64url');
  const entry = {
    name: parsed.name,
    sha256: await hashToken(token),
    permissions: parsed.permission satisfies Permission[],
    ...(parsed.agentId === undefined ? {} : { agentId: parsed.agentId }),
  };
  io.stdout.write(
    `token (shown once; keep it secret): ${token}\n\nadd to your config:\n${stringify({ auth: { tokens: [entry] } })}`,
  );
  return 0;
}
