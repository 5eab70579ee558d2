import { rmSync } from 'node:fs';

/**
 * Everything a run must undo however it ends. Steps run in reverse order of registration; the
 * PIDs of live child processes and the work dir are also known to an exit hook that SIGKILLs and
 * removes them synchronously if the process exits without running the steps (an uncaught error,
 * process.exit), so no nats-server, orchestrator or agent outlives the run.
 */
export class Teardown {
  private readonly steps: { readonly name: string; readonly run: () => Promise<void> }[] = [];
  private readonly pids = new Set<number>();
  private readonly dirs = new Set<string>();
  private readonly onExit = (): void => {
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  };

  constructor() {
    process.on('exit', this.onExit);
  }

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  /** A child process to SIGKILL if the run exits abruptly; forget it once it has exited. */
  trackPid(pid: number): void {
    this.pids.add(pid);
  }

  forgetPid(pid: number): void {
    this.pids.delete(pid);
  }

  /** A directory to remove if the run exits abruptly (a step normally removes it). */
  removeOnExit(dir: string): void {
    this.dirs.add(dir);
  }

  /** Runs every step, last first, even when some fail; returns the failures. */
  async run(): Promise<string[]> {
    const failures: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        failures.push(`${step.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.onExit();
    process.off('exit', this.onExit);
    return failures;
  }
}
