import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const target = join(workspaceRoot, 'tools', 'workspace', 'generated', 'docs-plugin');

/** The ```ts blocks of docs/plugins.md that start with `// src/<file>`: the page's plugin and its test. */
async function exampleFiles(): Promise<Map<string, string>> {
  const page = await readFile(join(workspaceRoot, 'docs', 'plugins.md'), 'utf8');
  const files = new Map<string, string>();
  for (const [, code] of page.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const file = /^\/\/ (src\/[\w.-]+\.ts)\n/.exec(code ?? '')?.[1];
    if (file !== undefined && code !== undefined) files.set(file, code);
  }
  return files;
}

describe('the plugin example in docs/plugins.md', () => {
  it('type-checks with the TypeScript the docs show, and its own tests pass', async () => {
    const files = await exampleFiles();
    expect([...files.keys()]).toEqual(['src/least-recent-strategy.ts', 'src/least-recent-strategy.spec.ts']);
    await rm(target, { recursive: true, force: true });
    await mkdir(join(target, 'src'), { recursive: true });
    for (const [file, code] of files) await writeFile(join(target, file), code);
    await writeFile(
      join(target, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../../tsconfig.base.json',
        compilerOptions: { noEmit: true },
        include: ['src/**/*.ts'],
      }),
    );
    await writeFile(
      join(target, 'vitest.config.ts'),
      "import { defineConfig, mergeConfig } from 'vitest/config';\nimport { sharedVitestConfig } from '../../../../vitest.shared.js';\n\nexport default mergeConfig(sharedVitestConfig, defineConfig({ test: { name: 'docs-plugin' } }));\n",
    );

    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(target, 'tsconfig.json')], {
      cwd: workspaceRoot,
      timeout: 120_000,
    });
    const tests = await run(
      process.execPath,
      [join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs'), 'run', '--root', target],
      {
        cwd: workspaceRoot,
        timeout: 120_000,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
    );
    expect(tests.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Tests\s+2 passed \(2\)/);
  }, 180_000);

  it('registers the name the config section of the page uses', async () => {
    const page = await readFile(join(workspaceRoot, 'docs', 'plugins.md'), 'utf8');
    const code = (await exampleFiles()).get('src/least-recent-strategy.ts') ?? '';
    const registered = /name: '([a-z0-9_-]+)'/.exec(code)?.[1];
    expect(registered).toBe('least_recent');
    expect(page).toContain(`defaultStrategy: ${String(registered)}`);
  });
});
