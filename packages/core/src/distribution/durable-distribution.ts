import { CommunicationError } from '../errors/communication-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TaskStateError } from '../errors/task-state-error.js';
import type { JournaledAgent } from '../models/agent-registration.js';
import type { JournaledTask } from '../models/journaled-task.js';
import { FINISHED_TASK_STATUSES } from '../models/task.js';
import type { TaskErrorInfo } from '../models/task.js';
import type { Logger } from '../ports/logger.js';
import type { JournaledAnswer, JournalEntry, TaskJournal } from '../ports/task-journal.js';
import type { ParsedTaskResponse, TaskAssignment } from './task-inputs.js';
import { TaskRecord } from './task-record.js';

/** Pause between attempts to write a final state while the journal is unreachable. */
const SETTLE_RETRY_MS = 250;
/** Compare-and-sets a cancellation may lose to other writers before it gives up (each loss means the task moved on). */
const CANCEL_WRITE_TRIES = 16;

/** What DurableDistribution needs of the distributor: its local bookkeeping, never a journal call. */
export interface DurableHost {
  /** The task as this orchestrator holds it, if it does. */
  local(taskId: string): TaskRecord | undefined;
  /** Runs a task taken from the journal here: resumes (and re-sends) an open attempt, or places it. */
  resume(task: TaskRecord): void;
  /** Another orchestrator moved the task on: drop it here without sending or booking anything. */
  forget(task: TaskRecord): void;
  /** Some orchestrator wrote a final state (this one included). */
  finishedElsewhere(task: JournaledTask): void;
  /** The journal holds the final state this orchestrator wrote: tell whoever waits. */
  announceFinished(task: TaskRecord): void;
  /** An answer for a task held here, from the journal (another orchestrator heard it). */
  applyAnswer(answer: ParsedTaskResponse): void;
  /** The journal could not be reached to write an assignment: undo the hand-over, the task waits here. */
  assignmentUnwritten(task: TaskRecord, error: unknown): void;
  agentRegistered(registration: JournaledAgent): void;
  agentUnregistered(agentId: string): void;
  /** The queue is now waiting: the total of tasks waiting here, this one included. */
  waitingCount(): number;
}

/**
 * Everything durable mode adds to distribution, behind the few calls TaskDistributor makes:
 * submit to the shared work queue, claim before a send, write intermediate and final states,
 * keep answers for tasks another orchestrator holds. Every write is a compare-and-set on the
 * revision this orchestrator last wrote or read; a lost one means someone else moved the task,
 * and the local copy is dropped (or, when the task is final elsewhere, settled from there).
 * Without a known revision nothing is written.
 */
export class DurableDistribution {
  /** The journal revision of each task held here: the only base a write may name. */
  private readonly revisions = new Map<string, number>();
  /** Per task, the write in progress: a task's writes are applied in call order. */
  private readonly writes = new Map<string, Promise<unknown>>();
  /** Final states being written, by task id: true once stored, false when another one was stored first. */
  private readonly settling = new Map<string, Promise<boolean>>();
  private stopped = true;

  constructor(
    private readonly journal: TaskJournal,
    private readonly host: DurableHost,
    private readonly logger: Logger,
  ) {}

  get orchestratorId(): string {
    return this.journal.orchestratorId;
  }

  async start(knownAgents: readonly JournaledAgent[]): Promise<void> {
    this.stopped = false;
    await this.journal.start({
      adopt: (entry) => {
        this.adopt(entry);
      },
      settled: (task) => {
        this.revisions.delete(task.id);
        this.host.finishedElsewhere(task);
      },
      answerRecorded: (answer) => {
        this.applyIfCurrent(answer);
      },
      agentRegistered: (registration) => {
        this.host.agentRegistered(registration);
      },
      agentUnregistered: (agentId) => {
        this.host.agentUnregistered(agentId);
      },
    });
    // Agents that registered while the journal was starting.
    for (const registration of knownAgents) this.agentJoined(registration);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.writes.values()]);
    this.revisions.clear();
    await this.journal.stop();
  }

  /** Other orchestrators learn transport agents from the journal (they reach every replica anyway). */
  agentJoined(registration: JournaledAgent): void {
    this.journal.recordAgent(registration).catch((error: unknown) => {
      this.logger.warn('could not journal an agent registration', {
        agentId: registration.agentId,
        error: String(error),
      });
    });
  }

  agentLeft(agentId: string): void {
    this.journal.forgetAgent(agentId).catch((error: unknown) => {
      this.logger.warn('could not journal an agent leaving', { agentId, error: String(error) });
    });
  }

  /**
   * The task goes to the shared work queue and runs on whichever orchestrator takes it (adopt).
   * The caller checked that it may wait; a refusal here keeps nothing.
   */
  async submit(task: TaskRecord, isNew: boolean, queuedAt: number): Promise<TaskAssignment> {
    // Accepted means queued: waiting for whichever orchestrator takes it.
    const submitted: JournaledTask = { ...task.toJournal(this.journal.orchestratorId), status: 'queued', queuedAt };
    const outcome = await this.journal.submit(submitted);
    if (outcome === 'exists') {
      throw new TaskStateError('TASK_ALREADY_EXISTS', `A task with id '${task.id}' already exists`, {
        taskId: task.id,
      });
    }
    return {
      taskId: task.id,
      status: 'queued',
      agentId: null,
      strategy: null,
      attempt: 0,
      queueDepth: this.host.waitingCount() + (isNew ? 1 : 0),
    };
  }

  /**
   * Writes the assignment before the agent sees it. True: send it now. False: another
   * orchestrator moved the task meanwhile (dropped here), or the journal could not be reached
   * (the task waits here for capacity again).
   */
  async claim(task: TaskRecord, attempt: number): Promise<boolean> {
    // The fence begins with the claim's base revision, so every later claim of the task carries a larger one.
    const base = this.revisions.get(task.id);
    if (base !== undefined) task.fence = `${base.toString(36)}.${task.fence}`;
    const fence = task.fence;
    try {
      if ((await this.write(task)) !== 'written') return false;
    } catch (error) {
      if (task.attempts === attempt && task.fence === fence && task.status === 'assigned') {
        this.logger.warn('could not journal an assignment: the task waits', { taskId: task.id, error: String(error) });
        this.host.assignmentUnwritten(task, error);
      }
      return false;
    }
    return task.attempts === attempt && task.fence === fence && task.status === 'assigned';
  }

  /** Writes an intermediate state (the final one goes through settle). */
  persist(task: TaskRecord): void {
    this.write(task).catch((error: unknown) => {
      this.logger.warn('could not journal a task state', {
        taskId: task.id,
        status: task.status,
        error: String(error),
      });
    });
  }

  /**
   * Callers learn the outcome once the journal has it. When another orchestrator wrote a final
   * state first, that one is the outcome (a task completes once, everywhere).
   */
  settle(task: TaskRecord): Promise<boolean> {
    const settling = this.settleNow(task);
    this.settling.set(task.id, settling);
    void settling.then(() => {
      if (this.settling.get(task.id) === settling) this.settling.delete(task.id);
    });
    return settling;
  }

  /** Whether the final state this orchestrator is writing for the task is the stored one (true when it writes none). */
  settled(taskId: string): Promise<boolean> {
    return this.settling.get(taskId) ?? Promise.resolve(true);
  }

  /** True when this final state is the stored one. */
  private async settleNow(task: TaskRecord): Promise<boolean> {
    for (;;) {
      try {
        if ((await this.write(task)) !== 'written') return false;
        this.host.announceFinished(task);
        return true;
      } catch (error) {
        if (this.stopped) return false;
        this.logger.warn('could not journal a final state: retrying', { taskId: task.id, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, SETTLE_RETRY_MS));
      }
    }
  }

  /**
   * An agent's answer for a task this orchestrator does not hold: kept in the journal, where
   * the owner hears of it at once and a later owner finds it. False when the task is held here.
   */
  answerForAnotherOwner(response: ParsedTaskResponse): boolean {
    if (this.host.local(response.taskId) !== undefined) return false;
    // The session proved the sender here; the journal keeps only the answer.
    const { attempt, fence, session: _session, ...answer } = response;
    if (attempt === undefined || fence === undefined) {
      this.logger.warn('dropped an answer without attempt and fence for a task held elsewhere', {
        taskId: response.taskId,
      });
      return true;
    }
    this.journal.recordAnswer({ ...answer, attempt, fence }).catch((error: unknown) => {
      this.logger.warn('could not journal an overheard answer', { taskId: response.taskId, error: String(error) });
    });
    return true;
  }

  /**
   * Cancels a task this orchestrator does not hold, through the journal: its final state is
   * written with compare-and-set on the revision just read. The orchestrator running it hears of
   * that final state (settled), drops its copy and tells the agent. A task that finished first
   * is refused (TASK_ALREADY_FINISHED) and nothing is written.
   */
  async cancel(taskId: string, error: TaskErrorInfo, now: () => number): Promise<TaskRecord> {
    for (let tries = 0; tries < CANCEL_WRITE_TRIES; tries++) {
      const entry = await this.journal.read(taskId);
      if (entry === undefined) throw NotFoundError.task(taskId);
      const task = TaskRecord.fromJournal(entry.task);
      if (task.isFinished)
        throw new TaskStateError('TASK_ALREADY_FINISHED', `Task '${task.id}' already ${task.status}`, {
          taskId: task.id,
          status: task.status,
        });
      const at = now();
      task.endRunningAttempt('cancelled', at, error);
      task.status = 'cancelled';
      task.result = null;
      task.error = error;
      task.retryAt = null;
      task.finishedAt = at;
      if ((await this.journal.record(task.toJournal(this.journal.orchestratorId), entry.revision)).written) return task;
    }
    throw new CommunicationError(
      'TIMEOUT',
      `Task '${taskId}' kept changing: the cancellation lost ${String(CANCEL_WRITE_TRIES)} writes in a row; try again`,
      { taskId },
    );
  }

  async read(taskId: string): Promise<JournaledTask | undefined> {
    return (await this.journal.read(taskId))?.task;
  }

  private adopt(entry: JournalEntry): void {
    const held = this.host.local(entry.task.id);
    if (held !== undefined && held.status !== 'pending' && !held.isFinished) return;
    this.revisions.set(entry.task.id, entry.revision);
    const task = TaskRecord.fromJournal(entry.task);
    this.host.resume(task);
    if (task.status === 'assigned' && task.fence !== '') this.recoverAnswer(task, task.attempts, task.fence);
  }

  /** An answer another orchestrator kept while nobody (or an orchestrator now dead) held the task. */
  private recoverAnswer(task: TaskRecord, attempt: number, fence: string): void {
    this.journal
      .readAnswer(task.id, fence)
      .then((answer) => {
        if (answer?.attempt === attempt) this.applyIfCurrent(answer);
      })
      .catch((error: unknown) => {
        this.logger.warn('could not read a journaled answer; the attempt runs on', {
          taskId: task.id,
          error: String(error),
        });
      });
  }

  private applyIfCurrent(answer: JournaledAnswer): void {
    const task = this.host.local(answer.taskId);
    if (
      task?.status !== 'assigned' ||
      task.attempts !== answer.attempt ||
      task.fence !== answer.fence ||
      task.assignedAgentId !== answer.agentId
    )
      return;
    try {
      this.host.applyAnswer(answer);
    } catch (error) {
      this.logger.warn('could not book a journaled answer', { taskId: answer.taskId, error: String(error) });
    }
  }

  /** The task's state as of this call, written after the task's earlier writes. */
  private write(task: TaskRecord): Promise<'written' | 'lost'> {
    const entry = task.toJournal(this.journal.orchestratorId);
    const previous = this.writes.get(task.id) ?? Promise.resolve();
    const write = previous.then(
      () => this.writeNow(task, entry),
      () => this.writeNow(task, entry),
    );
    const tracked: Promise<unknown> = write.then(
      () => undefined,
      () => undefined,
    );
    void tracked.then(() => {
      if (this.writes.get(task.id) === tracked) this.writes.delete(task.id);
    });
    this.writes.set(task.id, tracked);
    return write;
  }

  private async writeNow(task: TaskRecord, entry: JournaledTask): Promise<'written' | 'lost'> {
    const revision = this.revisions.get(task.id);
    // Lost earlier (or never adopted here): no blind write.
    if (revision === undefined) return 'lost';
    const outcome = await this.journal.record(entry, revision);
    if (outcome.written) {
      if (FINISHED_TASK_STATUSES.has(entry.status)) this.revisions.delete(task.id);
      else this.revisions.set(task.id, outcome.revision);
      return 'written';
    }
    const { current } = outcome;
    // Our own earlier write landed though its answer never came (a timeout): nobody else moved the task.
    if (
      current !== undefined &&
      current.task.writtenBy === this.journal.orchestratorId &&
      !FINISHED_TASK_STATUSES.has(current.task.status) &&
      current.revision > revision
    ) {
      this.revisions.set(task.id, current.revision);
      return this.writeNow(task, entry);
    }
    this.revisions.delete(task.id);
    this.lost(task, current);
    return 'lost';
  }

  /**
   * Someone else moved the task: another orchestrator runs it now, or it is final (the journal's
   * settled news announces that, here too). Either way this copy goes without a send or a booking.
   */
  private lost(task: TaskRecord, current: JournalEntry | undefined): void {
    this.logger.info('the task moved on in the journal: letting go of this copy', {
      taskId: task.id,
      status: current?.task.status,
      by: current?.task.writtenBy,
    });
    this.host.forget(task);
  }
}
