import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The helpers run as compiled JavaScript, whether this module runs from src (tests) or dist.
const helpersDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/** Extra node flags for the helper processes, e.g. `--cpu-prof` to profile the other side. */
const helperNodeArgs = (process.env.SWITCHYARD_BENCH_NODE_ARGS ?? '')
  .split(' ')
  .filter((argument) => argument.length > 0);

/** Starts one of the bench's helper scripts (compiled next to this file) and waits for its "ready". */
export async function startHelper(
  script: string,
  args: readonly string[],
): Promise<ChildProcessByStdio<null, Readable, null>> {
  const child = spawn(process.execPath, [...helperNodeArgs, join(helpersDir, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    });
    child.once('exit', (code) => {
      reject(new Error(`${script} exited with ${String(code)} before it was ready`));
    });
  });
  return child;
}

export async function stopHelper(child: ChildProcessByStdio<null, Readable, null>): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
