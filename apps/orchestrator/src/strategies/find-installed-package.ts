import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

type ExportTarget = string | null | { readonly [condition: string]: ExportTarget } | readonly ExportTarget[];

/** The file an ESM import of the package root picks: `exports["."]` (import / node / default), else `module` / `main`. */
function rootEntry(manifest: { exports?: ExportTarget; main?: string; module?: string }): string | undefined {
  const pick = (target: ExportTarget | undefined): string | undefined => {
    if (target === undefined || target === null) return undefined;
    if (typeof target === 'string') return target;
    if (Array.isArray(target)) {
      for (const item of target as readonly ExportTarget[]) {
        const found = pick(item);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    const conditions = target as { readonly [condition: string]: ExportTarget };
    if ('.' in conditions) return pick(conditions['.']);
    for (const condition of ['import', 'node', 'default']) {
      const found = pick(conditions[condition]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return pick(manifest.exports) ?? manifest.module ?? manifest.main ?? 'index.js';
}

/**
 * Where a package is installed for code in `fromDir`, found the way Node looks (node_modules in
 * that folder, then in each parent): the file its root import resolves to. Undefined when it is
 * not installed there. Only package names (`name` or `@scope/name`) are looked up.
 */
export async function findInstalledPackage(name: string, fromDir: string): Promise<string | undefined> {
  if (!/^(@[^/]+\/)?[^/@.][^/]*$/.test(name)) return undefined;
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', name);
    const manifest = await readFile(join(packageDir, 'package.json'), 'utf8').then(
      (text) => JSON.parse(text) as { exports?: ExportTarget; main?: string; module?: string },
      () => undefined,
    );
    if (manifest !== undefined) {
      const entry = rootEntry(manifest);
      return entry === undefined ? undefined : join(packageDir, entry);
    }
    if (dirname(dir) === dir) return undefined;
  }
}
