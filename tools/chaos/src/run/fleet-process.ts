import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Teardown } from './teardown.js';

/** Lines of output kept in memory per process, for the report when it exits on its own. */
const TAIL_LINES = 12;

export interface FleetProcessSpec {
  /** Names it in logs and in the report. */
  readonly name: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Output that says it is ready. */
  readonly ready: RegExp;
  /** Where its output goes (appended across restarts). */
  readonly logFile: string;
  /** An orchestrator's CHAOS_CRASH_BEFORE_SEND_FILE: writing N there arms its crash. */
  readonly crashFile?: string;
}

/** How a run of the process ended that nobody asked to end. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lastLines: readonly string[];
}

/**
 * One member of the fleet (a `switchyard` CLI process) across its restarts: started on demand,
 * its output appended to a log file with the last lines kept, killed by PID, and every exit after
 * it was ready that the harness did not ask for reported to `onUnexpectedExit`.
 */
export class FleetProcess {
  private child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  private exited: Promise<void> = Promise.resolve();
  private expectingExit = false;
  private tail: string[] = [];
  private readonly log: WriteStream;

  constructor(
    readonly spec: FleetProcessSpec,
    private readonly cliPath: string,
    private readonly teardown: Teardown,
    private readonly onUnexpectedExit: (member: FleetProcess, exit: ProcessExit) => void,
  ) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  /** Starts it and waits until it says it is ready; rejects (with its last output) if it exits first or takes longer than timeoutMs. */
  async start(timeoutMs: number): Promise<void> {
    if (this.child !== undefined) throw new Error(`${this.spec.name} is already running`);
    this.log.write(`\n=== ${new Date().toISOString()} starting ${this.spec.name}\n`);
    const child = spawn(process.execPath, [this.cliPath, ...this.spec.args], {
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.expectingExit = false;
    if (child.pid !== undefined) this.teardown.trackPid(child.pid);
    let ready = false;
    let seen = '';
    let markReady: (() => void) | undefined;
    const readyNow = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const take = (chunk: Buffer): void => {
      const text = chunk.toString();
      this.log.write(text);
      this.tail = [...this.tail, ...text.split('\n').filter((line) => line.trim() !== '')].slice(-TAIL_LINES);
      if (!ready) {
        seen += text;
        if (this.spec.ready.test(seen)) {
          ready = true;
          seen = '';
          markReady?.();
        }
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    this.exited = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        if (child.pid !== undefined) this.teardown.forgetPid(child.pid);
        if (this.child === child) this.child = undefined;
        this.log.write(
          `=== ${new Date().toISOString()} ${this.spec.name} exited (code ${String(code)}, signal ${String(signal)})\n`,
        );
        if (ready && !this.expectingExit) this.onUnexpectedExit(this, { code, signal, lastLines: this.tail });
        resolve();
      });
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      readyNow.then(() => 'ready' as const),
      this.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => {
          resolve('timeout');
        }, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'ready') return;
    if (outcome === 'timeout') await this.kill('SIGKILL');
    throw new Error(
      `${this.spec.name} ${outcome === 'timeout' ? `was not ready within ${String(timeoutMs)} ms` : 'exited before it was ready'}:\n${this.tail.join('\n')}`,
    );
  }

  /** Sends the signal (if it runs) and waits until it has exited; the exit counts as expected. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.expectingExit = true;
    child.kill(signal);
    await this.exited;
  }

  /** Kills it (if it runs) and closes its log. */
  async close(): Promise<void> {
    await this.kill('SIGKILL');
    await new Promise<void>((resolve) => {
      this.log.end(() => {
        resolve();
      });
    });
  }
}
