import type { TaskProgressUpdate } from '@switchyard/core';
import type { EnvelopeOf } from '@switchyard/core/internal';
import { checkTaskProgressUpdate } from '@switchyard/core/internal';
import type { AgentTask, TaskContext, TaskHandler } from './agent-task.js';

/** Where a task's progress reports go: the agent, which knows the transport. */
export interface ProgressOutlet {
  readonly progressIntervalMs: number;
  /** One report of the attempt `request` hands over. */
  sendProgress(request: EnvelopeOf<'task_request'>, update: TaskProgressUpdate): void;
}

/** A task's reporting, made at its first report: a task that reports nothing costs none of it. */
class ProgressState {
  /** The latest report not sent yet (coalesced), and the timer that sends it. */
  pending: TaskProgressUpdate | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** When the last report went out (epoch ms); 0 before the first. */
  sentAt = 0;
}

/** The answer is on its way (or the attempt was given up): no report may follow. */
const CLOSED = new ProgressState();

/**
 * One task in a handler's hands: its context (the signal is made only when the handler asks for
 * it, so a handler that never looks costs no AbortController; likewise its progress state) and
 * what became of it.
 */
export class TaskRun implements TaskContext {
  private controller: AbortController | undefined;
  /** The orchestrator (or stop()) no longer wants the work: its answer is not sent. */
  cancelled = false;
  /** Still running past the grace period after its cancellation. */
  stuck = false;
  /** The grace period's timer, while it runs. */
  graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Undefined until the first report; CLOSED once the answer goes (or the attempt was cancelled). */
  private reporting: ProgressState | undefined;
  /** The attempt's request (its reports go where its answer goes, with its fence) and the agent's outlet. */
  private attemptRequest: EnvelopeOf<'task_request'> | undefined;
  private outlet: ProgressOutlet | undefined;

  constructor(
    readonly agentId: string,
    readonly taskId: string,
    readonly attempt: number,
  ) {}

  /**
   * Runs the handler with this run as its context. A synchronous outcome (a value, or a throw)
   * closes the reporting at once, before the agent answers; a promise's is closed when it settles.
   */
  runHandler(
    handler: TaskHandler,
    task: AgentTask,
    request: EnvelopeOf<'task_request'>,
    outlet: ProgressOutlet,
  ): ReturnType<TaskHandler> {
    this.attemptRequest = request;
    this.outlet = outlet;
    let produced: ReturnType<TaskHandler>;
    try {
      produced = handler(task, this);
    } catch (error) {
      this.closeProgress();
      throw error;
    }
    if (!(produced instanceof Promise)) this.closeProgress();
    return produced;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  progress(update: TaskProgressUpdate): void {
    const checked = checkTaskProgressUpdate(update);
    if (this.reporting === CLOSED || this.cancelled) return;
    const outlet = this.outlet;
    if (outlet === undefined) return;
    const state = (this.reporting ??= new ProgressState());
    state.pending = checked;
    if (state.timer !== undefined) return;
    const waitMs = state.sentAt + outlet.progressIntervalMs - Date.now();
    if (waitMs <= 0) {
      this.sendPending(state);
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.sendPending(state);
    }, waitMs);
    state.timer.unref();
  }

  /** The answer goes out next: the last coalesced report goes first, and none after. */
  closeProgress(): void {
    const state = this.reporting;
    this.reporting = CLOSED;
    if (state === undefined || state === CLOSED) return;
    clearTimeout(state.timer);
    state.timer = undefined;
    this.sendPending(state);
  }

  private sendPending(state: ProgressState): void {
    const update = state.pending;
    if (update === undefined || this.cancelled || this.outlet === undefined || this.attemptRequest === undefined)
      return;
    state.pending = undefined;
    state.sentAt = Date.now();
    this.outlet.sendProgress(this.attemptRequest, update);
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
      const state = this.reporting;
      this.reporting = CLOSED;
      if (state !== undefined) clearTimeout(state.timer);
    }
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }
}
