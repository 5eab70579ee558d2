import { TaskOptionsSchema } from '../engine/core-options.js';
import type { JournaledTask } from '../models/journaled-task.js';
import type { JsonValue } from '../models/json-value.js';
import type { MessagePriority } from '../models/message-priority.js';
import type { Task, TaskAttempt, TaskErrorInfo, TaskStatus } from '../models/task.js';
import type { TaskProgressEvent } from '../models/task-progress.js';
import type { RegisteredStrategy } from '../strategies/strategy-registry.js';
import type { TimeoutBatch, TimeoutSlot } from '../timers/batched-timeouts.js';
import type { AgentRecord } from '../registry/agent-record.js';
import type { TaskFinishWatcher } from './task-finish-watcher.js';

/** Per-task limits, resolved from the task's input and the configured defaults. */
export interface TaskLimits {
  readonly maxAttempts: number;
  readonly attemptTimeoutMs: number;
  /** Longest continuous wait in the queue for capacity; null waits as long as it takes. */
  readonly queueTimeoutMs: number | null;
}

const CONFIGURED_DEFAULTS = TaskOptionsSchema.parse({});

/** The limits a task gets when nothing overrides the configured defaults. */
export const DEFAULT_TASK_LIMITS: TaskLimits = {
  maxAttempts: CONFIGURED_DEFAULTS.retry.maxAttempts,
  attemptTimeoutMs: CONFIGURED_DEFAULTS.attemptTimeoutMs,
  queueTimeoutMs: CONFIGURED_DEFAULTS.queue.timeoutMs,
};

type AttemptOutcome = TaskAttempt['outcome'];

const NO_ATTEMPTS: readonly TaskAttempt[] = Object.freeze([]);

/** The distributor's own, mutable task. Everyone else gets `snapshot()` or the read-only Task view. */
export class TaskRecord implements Task, TimeoutSlot {
  status: TaskStatus = 'pending';
  assignedAgentId: string | null = null;
  attempts = 0;
  /**
   * The current attempt's fence: unguessable, sent with the task request and echoed in the
   * answer, so knowing a task id and attempt number is not enough to answer (nor is an answer
   * to another orchestrator's attempt with the same number). '' before the first attempt.
   */
  fence = '';
  failures = 0;
  /** Hand-overs undone because the agent died, left or could not be reached (they do not count as failures). */
  redistributions = 0;
  // The last attempt lives in fields of the record, the ones before it in a list (usually
  // empty, shared): most tasks have one attempt, and an object and an array per task were ~7 %
  // of the orchestrator's CPU over NATS, mostly in young collections while finished tasks are
  // kept (docs/benchmarks.md, fifth round). lastAttempt 0: no attempt yet.
  private earlierAttempts: readonly TaskAttempt[] = NO_ATTEMPTS;
  private lastAttempt = 0;
  private lastAgentId = '';
  private lastAssignedAt = 0;
  private lastFinishedAt: number | null = null;
  private lastOutcome: AttemptOutcome = 'running';
  private lastError: TaskErrorInfo | null = null;
  result: JsonValue | null = null;
  error: TaskErrorInfo | null = null;
  queuedAt: number | null = null;
  retryAt: number | null = null;
  assignedAt: number | null = null;
  finishedAt: number | null = null;
  /** The strategy that made the current assignment (after resolving defaults and `custom`). */
  assignedBy: string | null = null;
  /** The strategy object behind assignedBy, so ending an attempt needs no lookup by name (null when adopted from a journal). */
  assignedStrategy: RegisteredStrategy | null = null;
  /** The last reason a strategy gave for declining it (see decline()), for the queue-timeout message. */
  declinedBecause: string | null = null;
  /** The task's timer for a retry back-off, a queue timeout, or an adopted attempt's remaining time. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  // The attempt timeout's links (BatchedTimeouts): no Timeout object per attempt.
  timeoutBatch: TimeoutBatch | undefined = undefined;
  timeoutPrevious: TimeoutSlot | undefined = undefined;
  timeoutNext: TimeoutSlot | undefined = undefined;
  // Intrusive links of the task queue: O(1) removal without a lookup table.
  queueLevel = -1;
  queuePrevious: TaskRecord | null = null;
  queueNext: TaskRecord | null = null;
  queueKey: string | null = null;
  /** The agent whose count of held tasks includes this one (from hand-over to the attempt's end). */
  heldBy: AgentRecord | undefined = undefined;
  /** Told when the task finishes here (the engine's runTask caller), then forgotten. */
  finishWatcher: TaskFinishWatcher | undefined = undefined;
  /** InMemoryTaskStore's mark: this record counts against its retention of finished tasks. */
  retainedFinished = false;
  /** The last progress its agent reported; undefined until one does. */
  progress: TaskProgressEvent | undefined = undefined;
  /** Durable mode: when a progress report last caused a journal write, and the timer of the next one. */
  progressJournaledAt = 0;
  progressJournalTimer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    readonly id: string,
    readonly type: string,
    readonly requiredCapabilities: readonly string[],
    readonly data: JsonValue,
    readonly senderId: string,
    readonly priority: MessagePriority,
    readonly strategy: string | null,
    readonly createdAt: number,
    readonly limits: TaskLimits = DEFAULT_TASK_LIMITS,
  ) {}

  get maxAttempts(): number {
    return this.limits.maxAttempts;
  }

  get isFinished(): boolean {
    return (
      this.status === 'completed' ||
      this.status === 'failed' ||
      this.status === 'dead_lettered' ||
      this.status === 'cancelled'
    );
  }

  /** Every attempt so far, oldest first: new objects, so changing them changes nothing here. */
  get history(): TaskAttempt[] {
    const attempts = this.earlierAttempts.map((attempt) => ({ ...attempt }));
    if (this.lastAttempt !== 0) attempts.push(this.lastAttemptEntry());
    return attempts;
  }

  private lastAttemptEntry(): TaskAttempt {
    return {
      attempt: this.lastAttempt,
      agentId: this.lastAgentId,
      assignedAt: this.lastAssignedAt,
      finishedAt: this.lastFinishedAt,
      outcome: this.lastOutcome,
      error: this.lastError,
    };
  }

  /** Starts an attempt's history entry. */
  openAttempt(attempt: number, agentId: string, assignedAt: number): void {
    if (this.lastAttempt !== 0) this.earlierAttempts = [...this.earlierAttempts, this.lastAttemptEntry()];
    this.setLastAttempt(attempt, agentId, assignedAt, null, 'running', null);
  }

  /** Ends the attempt now running, if there is one. */
  endRunningAttempt(outcome: AttemptOutcome, finishedAt: number, error: TaskErrorInfo | null): void {
    if (this.lastAttempt === 0 || this.lastOutcome !== 'running') return;
    this.lastOutcome = outcome;
    this.lastFinishedAt = finishedAt;
    this.lastError = error;
  }

  /** Forgets the last attempt, for a hand-over that is being undone. */
  dropLastAttempt(): void {
    const previous = this.earlierAttempts.at(-1);
    this.lastAttempt = 0;
    if (previous === undefined) return;
    this.earlierAttempts = this.earlierAttempts.length === 1 ? NO_ATTEMPTS : this.earlierAttempts.slice(0, -1);
    this.restoreLastAttempt(previous);
  }

  private restoreLastAttempt(attempt: TaskAttempt): void {
    this.setLastAttempt(
      attempt.attempt,
      attempt.agentId,
      attempt.assignedAt,
      attempt.finishedAt,
      attempt.outcome,
      attempt.error,
    );
  }

  private setLastAttempt(
    attempt: number,
    agentId: string,
    assignedAt: number,
    finishedAt: number | null,
    outcome: AttemptOutcome,
    error: TaskErrorInfo | null,
  ): void {
    this.lastAttempt = attempt;
    this.lastAgentId = agentId;
    this.lastAssignedAt = assignedAt;
    this.lastFinishedAt = finishedAt;
    this.lastOutcome = outcome;
    this.lastError = error;
  }

  /** Agents that already failed this task (a retry prefers someone else). */
  failedOn(agentId: string): boolean {
    const failedHere = (id: string, outcome: AttemptOutcome): boolean =>
      id === agentId && (outcome === 'failed' || outcome === 'timed_out');
    return (
      (this.lastAttempt !== 0 && failedHere(this.lastAgentId, this.lastOutcome)) ||
      this.earlierAttempts.some((attempt) => failedHere(attempt.agentId, attempt.outcome))
    );
  }

  /** Rebuilds a task another orchestrator journaled; its timers and queue links start empty. */
  static fromJournal(entry: JournaledTask): TaskRecord {
    const task = new TaskRecord(
      entry.id,
      entry.type,
      entry.requiredCapabilities,
      entry.data,
      entry.senderId,
      entry.priority,
      entry.strategy,
      entry.createdAt,
      entry.limits,
    );
    task.status = entry.status;
    task.assignedAgentId = entry.assignedAgentId;
    task.attempts = entry.attempts;
    task.fence = entry.fence ?? '';
    task.failures = entry.failures;
    task.redistributions = entry.redistributions;
    const last = entry.history.at(-1);
    if (last !== undefined) {
      task.earlierAttempts = entry.history.slice(0, -1).map((attempt) => ({ ...attempt }));
      task.restoreLastAttempt(last);
    }
    task.result = entry.result;
    task.error = entry.error;
    task.queuedAt = entry.queuedAt;
    task.retryAt = entry.retryAt;
    task.assignedAt = entry.assignedAt;
    task.finishedAt = entry.finishedAt;
    task.assignedBy = entry.assignedBy;
    task.progress = entry.progress;
    return task;
  }

  /** What a durable journal stores, written by `orchestratorId`. */
  toJournal(orchestratorId: string): JournaledTask {
    return {
      ...this.snapshot(),
      requiredCapabilities: [...this.requiredCapabilities],
      history: this.history,
      redistributions: this.redistributions,
      limits: { ...this.limits },
      assignedBy: this.assignedBy,
      fence: this.fence === '' ? null : this.fence,
      writtenBy: orchestratorId,
    };
  }

  snapshot(): Task {
    const snapshot: Task = {
      id: this.id,
      type: this.type,
      requiredCapabilities: [...this.requiredCapabilities],
      data: this.data,
      senderId: this.senderId,
      priority: this.priority,
      strategy: this.strategy,
      status: this.status,
      assignedAgentId: this.assignedAgentId,
      attempts: this.attempts,
      failures: this.failures,
      maxAttempts: this.maxAttempts,
      history: this.history,
      result: this.result,
      error: this.error,
      createdAt: this.createdAt,
      queuedAt: this.queuedAt,
      retryAt: this.retryAt,
      assignedAt: this.assignedAt,
      finishedAt: this.finishedAt,
    };
    // Only a task that reported progress shows the field: the common snapshot keeps its shape.
    return this.progress === undefined ? snapshot : { ...snapshot, progress: this.progress };
  }
}
