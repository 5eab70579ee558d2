import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRoot, CliProcess } from './cli-process.js';

// Inside the workspace, so the plugins resolve @switchyard/core and zod like an installed plugin would.
const dir = join(appRoot, 'e2e', 'generated', 'plugin-config');

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = new CliProcess(args);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'throws.mjs'),
    `import { defineStrategy } from '@switchyard/core';
import { z } from 'zod';
export default defineStrategy({ name: 'throws', optionsSchema: z.strictObject({}), create: () => { throw new Error('cannot reach the model store'); } });
`,
  );
  await writeFile(
    join(dir, 'create-throws.yaml'),
    'mcp: { http: { enabled: false } }\nstrategies: [{ package: ./throws.mjs }]\n',
  );
  await writeFile(
    join(dir, 'unknown-name.yaml'),
    'mcp: { http: { enabled: false } }\ndistribution: { defaultStrategy: least-recent }\n',
  );
});

describe('the switchyard CLI with broken strategy config', () => {
  it.each(['create-throws', 'unknown-name'])(
    '%s: config check and start print the same lines and exit 2',
    async (name) => {
      const config = join(dir, `${name}.yaml`);
      const check = await run(['config', 'check', '--config', config]);
      const start = await run(['start', '--config', config]);
      expect(check.code).toBe(2);
      expect(start.code).toBe(2);
      expect(check.stdout).not.toContain('config OK');
      expect(check.stderr).toBe(start.stderr);
      expect(check.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('says in one line which plugin failed to create, and why', async () => {
    const check = await run(['config', 'check', '--config', join(dir, 'create-throws.yaml')]);
    expect(check.stderr).toBe(
      "STRATEGY_CREATE_FAILED: Strategy 'throws' (strategies.0: ./throws.mjs): create() threw: cannot reach the model store\n",
    );
  });
});
