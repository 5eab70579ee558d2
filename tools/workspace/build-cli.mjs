#!/usr/bin/env node
// `npm start` and `npm run demo` build the CLI with this rather than `nx run orchestrator:build`:
// without the Nx daemon (CI) a cache hit restores every output file in place, so a build of code
// that had not changed rewrote the dist folders that running processes were loading (the e2e
// tests run README's `npm start` beside others). `tsc -b` leaves up-to-date projects untouched,
// and the dashboard assets are copied only when they differ, each by an atomic rename.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = join(root, 'apps', 'orchestrator');

const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', join(app, 'tsconfig.lib.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** Copies `from` into `to` file by file, writing only the files whose bytes differ. */
function syncTree(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      syncTree(source, target);
      continue;
    }
    const bytes = readFileSync(source);
    if (existsSync(target) && readFileSync(target).equals(bytes)) continue;
    mkdirSync(to, { recursive: true });
    const temporary = `${target}.${String(process.pid)}.tmp`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, target);
    process.stderr.write(`copied ${relative(root, target)}\n`);
  }
}

syncTree(join(app, 'src', 'ops', 'dashboard', 'assets'), join(app, 'dist', 'ops', 'dashboard', 'assets'));
