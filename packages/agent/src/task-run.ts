import type { TaskProgressUpdate } from '@switchyard/core';
import type { EnvelopeOf } from '@switchyard/core/internal';
import { checkTaskProgressUpdate } from '@switchyard/core/internal';
import type { TaskContext } from './agent-task.js';

/** Where a task's progress reports go: the agent, which knows the attempt's request and transport. */
export interface ProgressOutlet {
  readonly progressIntervalMs: number;
  sendProgress(run: TaskRun, update: TaskProgressUpdate): void;
}

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
  /** The latest report not sent yet (coalesced), and the timer that sends it. */
  private progressPending: TaskProgressUpdate | undefined;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the last report went out (epoch ms); 0 before the first. */
  private progressSentAt = 0;
  /** The answer is on its way (or the attempt was given up): no report may follow it. */
  private progressClosed = false;

  constructor(
    readonly agentId: string,
    readonly taskId: string,
    readonly attempt: number,
    /** The attempt's request: its progress reports go where its answer goes, with its fence. */
    readonly request: EnvelopeOf<'task_request'>,
    private readonly outlet: ProgressOutlet,
  ) {}

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  progress(update: TaskProgressUpdate): void {
    const checked = checkTaskProgressUpdate(update);
    if (this.progressClosed || this.cancelled) return;
    this.progressPending = checked;
    if (this.progressTimer !== undefined) return;
    const waitMs = this.progressSentAt + this.outlet.progressIntervalMs - Date.now();
    if (waitMs <= 0) {
      this.sendPending();
      return;
    }
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      this.sendPending();
    }, waitMs);
    this.progressTimer.unref();
  }

  /** The answer goes out next: the last coalesced report goes first, and none after. */
  closeProgress(): void {
    if (this.progressClosed) return;
    this.progressClosed = true;
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    if (!this.cancelled) this.sendPending();
    this.progressPending = undefined;
  }

  private sendPending(): void {
    const update = this.progressPending;
    if (update === undefined || this.cancelled) return;
    this.progressPending = undefined;
    this.progressSentAt = Date.now();
    this.outlet.sendProgress(this, update);
  }

  /**
   * Aborts the task's signal (made now if the handler never asked, so a later look sees it
   * aborted). `cancelled`: the orchestrator gave the attempt up (no answer is sent), rather than
   * the agent stopping (the answer still goes out).
   */
  abort(reason: Error, cancelled: boolean): void {
    if (cancelled) {
      this.cancelled = true;
      // Nobody wants to hear how a cancelled attempt is going.
      clearTimeout(this.progressTimer);
      this.progressTimer = undefined;
      this.progressPending = undefined;
    }
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }
}
