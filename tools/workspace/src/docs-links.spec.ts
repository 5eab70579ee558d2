import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tracked = execFileSync('git', ['ls-files'], { cwd: workspaceRoot, encoding: 'utf8' })
  .split('\n')
  .filter((path) => path !== '');

describe('documents cite only documents in the repository', () => {
  it('every relative link in README.md and docs/ resolves to a file here', () => {
    const broken: string[] = [];
    for (const page of tracked.filter(
      (path) => path === 'README.md' || (path.startsWith('docs/') && path.endsWith('.md')),
    )) {
      for (const [, target] of readFileSync(join(workspaceRoot, page), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
        if (target === undefined || /^[a-z]+:/.test(target) || target.startsWith('#')) continue;
        const file = target.split('#')[0] ?? '';
        if (!existsSync(join(workspaceRoot, dirname(page), file))) broken.push(`${page} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('no source, config or document names a design file that is not in the repository', () => {
    // Built from parts so this guard does not itself name the file it forbids.
    const outsideDesignFile = ['DESIGN', 'md'].join('.');
    const citing = tracked.filter(
      (path) =>
        /\.(ts|js|mjs|cjs|md|json|ya?ml)$/.test(path) &&
        readFileSync(join(workspaceRoot, path), 'utf8').includes(outsideDesignFile),
    );
    expect(citing).toEqual([]);
  });
});
