import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@switchyard/testing';

export const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cliPath = join(appRoot, 'dist', 'main.js');

/** The built `switchyard` CLI running as its own OS process, with its output collected. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    // A free port for the MCP endpoint, so several daemons can run side by side in tests.
    this.child = spawn(process.execPath, [cliPath, ...args], {
      cwd: appRoot,
      env: { ...process.env, SWITCHYARD_MCP__HTTP__PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Waits until stdout+stderr match; fails with both streams in the message. */
  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<void> {
    await waitUntil(
      () => pattern.test(this.stdout) || pattern.test(this.stderr),
      `output matches ${String(pattern)}`,
      timeoutMs,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`);
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}
