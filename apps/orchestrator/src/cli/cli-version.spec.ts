import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createProgram } from './create-program.js';
import { CLI_VERSION } from './cli-version.js';

describe('the CLI version', () => {
  it('is the one in the package.json, and --version prints it', async () => {
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(CLI_VERSION).toBe(manifest.version);
    let printed = '';
    const program = createProgram(() => undefined).configureOutput({ writeOut: (text) => (printed += text) });
    await expect(program.parseAsync(['node', 'switchyard', '--version'])).rejects.toMatchObject({
      code: 'commander.version',
    });
    expect(printed.trim()).toBe(manifest.version);
  });
});
