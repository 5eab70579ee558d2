import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The CLI's version as its package.json states it (two levels up from both src/cli and dist/cli), so a release bumps one place. */
export const CLI_VERSION: string = z
  .object({ version: z.string().min(1) })
  .parse(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))).version;
