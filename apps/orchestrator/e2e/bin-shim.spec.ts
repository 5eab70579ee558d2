import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from './cli-process.js';

const run = promisify(execFile);

describe('the committed bin that npm links on install', () => {
  let copy: string | undefined;
  afterAll(async () => {
    if (copy !== undefined) await rm(copy, { recursive: true, force: true });
  });

  it('runs the built CLI', async () => {
    const { stdout } = await run(process.execPath, [join(appRoot, 'bin', 'switchyard.js'), '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('says how to build it when there is no build yet, and exits 1', async () => {
    copy = await mkdtemp(join(tmpdir(), 'switchyard-bin-'));
    await mkdir(join(copy, 'bin'));
    await copyFile(join(appRoot, 'bin', 'switchyard.js'), join(copy, 'bin', 'switchyard.js'));
    const failed = await run(process.execPath, [join(copy, 'bin', 'switchyard.js'), '--version']).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('the CLI is not built yet');
    expect(failed?.stderr).toContain('npx nx run orchestrator:build');
  });
});
