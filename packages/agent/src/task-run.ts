import type { TaskContext } from './agent-task.js';

/**
 * One task in a handler's hands: its context (the signal is made only when the handler asks for
 * it, so a handler that never looks costs no AbortController) and what became of it.
 */
export class TaskRun implements TaskContext {
  private controller: AbortController | undefined;
  /** The orchestrator (or stop()) no longer wants the work: its answer is not sent. */
  cancelled = false;
  /** Still running past the grace period after its cancellation. */
  stuck = false;
  /** The grace period's timer, while it runs. */
  graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly agentId: string,
    readonly taskId: string,
    readonly attempt: number,
  ) {}

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /**
   * Aborts the task's signal (made now if the handler never asked, so a later look sees it
   * aborted). `cancelled`: the orchestrator gave the attempt up (no answer is sent), rather than
   * the agent stopping (the answer still goes out).
   */
  abort(reason: Error, cancelled: boolean): void {
    if (cancelled) this.cancelled = true;
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }
}
