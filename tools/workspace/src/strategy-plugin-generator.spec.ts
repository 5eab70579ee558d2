import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface FileChange {
  readonly path: string;
  readonly type: string;
  readonly content: Buffer | null;
}
interface VirtualTree {
  write(path: string, content: string): void;
  read(path: string, encoding: 'utf-8'): string | null;
  delete(path: string): void;
  listChanges(): FileChange[];
}

const { createTreeWithEmptyWorkspace } =
  require('nx/src/generators/testing-utils/create-tree-with-empty-workspace') as {
    createTreeWithEmptyWorkspace: () => VirtualTree;
  };
const generator = require('../generators/strategy-plugin/generator.cjs') as (
  tree: VirtualTree,
  options: Record<string, string>,
) => Promise<() => void>;

describe('the strategy-plugin generator', () => {
  it('is what `npx nx g @switchyard/tools:strategy-plugin NAME` runs', async () => {
    const result = await run(
      'npx',
      ['nx', 'g', '@switchyard/tools:strategy-plugin', 'least-recent', '--dry-run', '--no-interactive'],
      {
        cwd: workspaceRoot,
        timeout: 120_000,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
    );
    // Nx may colour its output anyway (CI=true): compare the text without ANSI codes.
    const stdout = result.stdout.replace(/\u001b\[[0-9;]*m/g, '');
    expect(stdout).toContain('CREATE packages/strategy-least-recent/src/least-recent-strategy.ts');
    expect(stdout).toContain('UPDATE tsconfig.base.json');
  }, 150_000);

  it('makes a package whose own type-check and tests pass', async () => {
    const projectRoot = 'tools/workspace/generated/strategy-gen-check';
    const tree = createTreeWithEmptyWorkspace();
    tree.write('tsconfig.base.json', await readFile(join(workspaceRoot, 'tsconfig.base.json'), 'utf8'));
    const prettierConfig = await readFile(join(workspaceRoot, '.prettierrc'), 'utf8');
    tree.write('.prettierrc', prettierConfig);
    // The empty workspace comes with an oxfmt config; this repository formats with Prettier.
    tree.delete('.oxfmtrc.json');
    const rootPackage = JSON.parse(tree.read('package.json', 'utf-8') ?? '{}') as {
      devDependencies?: Record<string, string>;
    };
    tree.write(
      'package.json',
      JSON.stringify({ ...rootPackage, devDependencies: { ...rootPackage.devDependencies, prettier: '3.10.1' } }),
    );
    await generator(tree, { name: 'gen-check', directory: projectRoot });
    // npm test checks formatting: what the generator writes must already pass it.
    const unformatted: string[] = [];
    for (const change of tree.listChanges()) {
      if (!change.path.startsWith(projectRoot) || change.content === null) continue;
      const filepath = join(workspaceRoot, change.path);
      // Markdown is hand-wrapped here (.prettierignore).
      if (change.path.endsWith('.md') || (await prettier.getFileInfo(filepath)).inferredParser === null) continue;
      const options = { ...(JSON.parse(prettierConfig) as prettier.Options), filepath };
      if (!(await prettier.check(change.content.toString('utf8'), options))) unformatted.push(change.path);
    }
    expect(unformatted).toEqual([]);
    const paths = (
      JSON.parse(tree.read('tsconfig.base.json', 'utf-8') ?? '{}') as {
        compilerOptions: { paths: Record<string, string[]> };
      }
    ).compilerOptions.paths;
    expect(paths['@switchyard/strategy-gen-check']).toEqual([`./${projectRoot}/src/index.ts`]);

    const target = join(workspaceRoot, projectRoot);
    await rm(target, { recursive: true, force: true });
    for (const change of tree.listChanges()) {
      if (!change.path.startsWith(projectRoot) || change.content === null) continue;
      await mkdir(dirname(join(workspaceRoot, change.path)), { recursive: true });
      await writeFile(join(workspaceRoot, change.path), change.content);
    }
    const packageJson = JSON.parse(await readFile(join(target, 'package.json'), 'utf8')) as {
      name: string;
      peerDependencies: Record<string, string>;
    };
    expect(packageJson).toMatchObject({
      name: '@switchyard/strategy-gen-check',
      peerDependencies: { '@switchyard/core': '^0.1.0' },
    });

    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(target, 'tsconfig.json')], {
      cwd: workspaceRoot,
      timeout: 120_000,
    });
    const tests = await run(
      process.execPath,
      [join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs'), 'run', '--root', target],
      { cwd: workspaceRoot, timeout: 120_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    expect(tests.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Tests\s+4 passed \(4\)/);
  }, 180_000);

  it('refuses a name that is not lower-case words', async () => {
    await expect(generator(createTreeWithEmptyWorkspace(), { name: 'Least_Recent' })).rejects.toThrow(
      "name: 'Least_Recent' must be lower-case words separated by '-'",
    );
  });
});
