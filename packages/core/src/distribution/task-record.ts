import { TaskOptionsSchema } from '../engine/core-options.js';
import type { JournaledTask } from '../models/journaled-task.js';
import type { JsonValue } from '../models/json-value.js';
import type { MessagePriority } from '../models/message-priority.js';
import type { Task, TaskAttempt, TaskErrorInfo, TaskStatus } from '../models/task.js';
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

/** An attempt while it can still change. */
type MutableTaskAttempt = {
  -readonly [K in keyof TaskAttempt]: TaskAttempt[K];
};

/** The distributor's own, mutable task. Everyone else gets `snapshot()` or the read-only Task view. */
export class TaskRecord implements Task, TimeoutSlot {
  status: TaskStatus = 'pending';
  assignedAgentId: string | null = null;
  attempts = 0;
  failures = 0;
  /** Hand-overs undone because the agent died, left or could not be reached (they do not count as failures). */
  redistributions = 0;
  /** Replaced, not grown, on a new attempt: a pushed-to empty array reserves 17 slots, and most tasks have one attempt. */
  history: MutableTaskAttempt[] = [];
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
    return this.status === 'completed' || this.status === 'failed' || this.status === 'dead_lettered';
  }

  /** The attempt now running, if any. */
  /** Opens an attempt's history entry. */
  addAttempt(attempt: MutableTaskAttempt): void {
    this.history = this.history.length === 0 ? [attempt] : [...this.history, attempt];
  }

  get currentAttempt(): MutableTaskAttempt | undefined {
    const last = this.history[this.history.length - 1];
    return last?.outcome === 'running' ? last : undefined;
  }

  /** Agents that already failed this task (a retry prefers someone else). */
  failedOn(agentId: string): boolean {
    return this.history.some((attempt) => attempt.agentId === agentId && (attempt.outcome === 'failed' || attempt.outcome === 'timed_out'));
  }

  /** Rebuilds a task another orchestrator journaled; its timers and queue links start empty. */
  static fromJournal(entry: JournaledTask): TaskRecord {
    const task = new TaskRecord(entry.id, entry.type, entry.requiredCapabilities, entry.data, entry.senderId, entry.priority, entry.strategy, entry.createdAt, entry.limits);
    task.status = entry.status;
    task.assignedAgentId = entry.assignedAgentId;
    task.attempts = entry.attempts;
    task.failures = entry.failures;
    task.redistributions = entry.redistributions;
    task.history = entry.history.map((attempt) => ({ ...attempt }));
    task.result = entry.result;
    task.error = entry.error;
    task.queuedAt = entry.queuedAt;
    task.retryAt = entry.retryAt;
    task.assignedAt = entry.assignedAt;
    task.finishedAt = entry.finishedAt;
    task.assignedBy = entry.assignedBy;
    return task;
  }

  /** What a durable journal stores, written by `orchestratorId`. */
  toJournal(orchestratorId: string): JournaledTask {
    return { ...this.snapshot(), requiredCapabilities: [...this.requiredCapabilities], history: this.history.map((attempt) => ({ ...attempt })), redistributions: this.redistributions, limits: { ...this.limits }, assignedBy: this.assignedBy, writtenBy: orchestratorId };
  }

  snapshot(): Task {
    return {
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
      history: this.history.map((attempt) => ({ ...attempt })),
      result: this.result,
      error: this.error,
      createdAt: this.createdAt,
      queuedAt: this.queuedAt,
      retryAt: this.retryAt,
      assignedAt: this.assignedAt,
      finishedAt: this.finishedAt,
    };
  }
}
