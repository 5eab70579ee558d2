import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { waitUntil } from '@switchyard/testing';

/** Generous: a command may build first (`npm start`), and the machine may be busy. */
const READY_MS = 180_000;

export interface ShellRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command line run by a shell, exactly as a reader pastes it, in its own process group. */
export class Shell {
  stdout = '';
  stderr = '';
  readonly exited: Promise<ShellRun>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;

  constructor(
    readonly line: string,
    env: NodeJS.ProcessEnv,
    cwd: string,
  ) {
    // Its own process group, so stopping it stops npm/npx and the node process they start.
    this.child = spawn('sh', ['-c', line], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code) => {
        resolve({ code, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  async waitFor(pattern: RegExp, timeoutMs = READY_MS): Promise<RegExpExecArray> {
    await waitUntil(() => pattern.test(this.stdout), `\`${this.line}\` prints ${String(pattern)}`, timeoutMs).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`);
      },
    );
    return pattern.exec(this.stdout) as RegExpExecArray;
  }

  /** SIGTERM to the whole group, SIGKILL if it has not ended after a generous grace. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null) return;
    process.kill(-pid, 'SIGTERM');
    const killer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 60_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** Runs a line to its end; fails with its output unless it exits 0. */
export async function runToEnd(line: string, env: NodeJS.ProcessEnv, cwd: string): Promise<ShellRun> {
  const run = await new Shell(line, env, cwd).exited;
  if (run.code !== 0)
    throw new Error(
      `\`${line}\` exited ${String(run.code)}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`,
    );
  return run;
}
