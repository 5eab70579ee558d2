#!/usr/bin/env node
// `npm test`: provision what the tests need, then lint, type-check, build and test every project.
// With SWITCHYARD_TEST_STRESS=1 a CPU burner keeps every core busy beside the suite, the way a
// loaded CI box does: a test that only passes on an idle machine fails here first.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCpuBurners } from './cpu-burner.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs a command to its end with inherited output; resolves with its exit code. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

function startBurners(count) {
  const burners = startCpuBurners(count);
  process.stderr.write(
    `SWITCHYARD_TEST_STRESS: ${count} CPU burner(s) running beside the suite (pids ${burners.pids.join(', ')})\n`,
  );
  return burners.stop;
}

const provisioned = await run(process.execPath, [join(root, 'tools', 'workspace', 'provision.mjs')]);
if (provisioned !== 0) process.exit(provisioned);

const stopBurners =
  process.env.SWITCHYARD_TEST_STRESS === '1' ? startBurners(availableParallelism()) : () => Promise.resolve();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void stopBurners().then(() => process.exit(130));
  });
}
// Everything is built before any test starts, and the test phase runs no build again: e2e tests
// run the CLI from dist, and without the Nx daemon (CI) even a cache hit restores every output
// file in place, rewriting dist under the processes loading it.
const nx = join(root, 'node_modules', '.bin', 'nx');
// Formatting first: it takes seconds, and a diff that only needs `npm run format` should say so at once.
const formatted = await run(join(root, 'node_modules', '.bin', 'prettier'), ['--check', '--log-level', 'warn', '.']);
if (formatted !== 0) {
  process.stderr.write('npm test: the files above are not formatted; run `npm run format` and commit the result.\n');
  await stopBurners();
  process.exit(formatted);
}
const built = await run(nx, ['run-many', '-t', 'lint', 'typecheck', 'build', '--output-style=stream']);
const code =
  built !== 0
    ? built
    : await run(nx, ['run-many', '-t', 'test', '--exclude-task-dependencies', '--output-style=stream']);
await stopBurners();
process.exit(code);
