import { CommunicationError } from '../errors/communication-error.js';
import { TaskDistributionError } from '../errors/task-distribution-error.js';
import type { ParsedAgentRegistration } from '../models/agent-registration.js';
import type { JournaledTask } from '../models/journaled-task.js';
import { FINISHED_TASK_STATUSES } from '../models/task.js';
import type {
  JournaledAnswer,
  JournalEntry,
  JournalWrite,
  TaskJournal,
  TaskJournalSink,
} from '../ports/task-journal.js';
import { PRIORITY_RANKS } from './task-queue.js';

/**
 * What several InMemoryTaskJournals share, as orchestrators share one NATS: task states with
 * revisions, a work queue whose items are held by one journal at a time, answers and agents.
 * For tests and single-process simulations of several orchestrators; it keeps nothing on disk.
 */
export class InMemoryJournalStore {
  private revision = 0;
  private readonly tasks = new Map<string, JournalEntry>();
  private readonly answers = new Map<string, JournaledAnswer>();
  private readonly agents = new Map<string, ParsedAgentRegistration>();
  /** Work items nobody holds, by priority rank (critical first when taken). */
  private readonly waiting: string[][] = PRIORITY_RANKS.map(() => []);
  /** Work items held, by task id: the journal that took it. */
  private readonly holders = new Map<string, InMemoryTaskJournal>();
  private readonly running: InMemoryTaskJournal[] = [];
  private nextTaker = 0;
  private readonly history = new Map<string, JournaledTask[]>();
  /** Writes waiting for resumeWrites (a slow journal, for tests of racing writers). */
  private held: (() => void)[] | undefined;
  /** Called after each applied write, for tests that need to act at that exact point. */
  afterWrite: ((journal: InMemoryTaskJournal, task: JournaledTask) => void) | undefined;

  /** `maxWorkItems`: how many tasks may wait or run at once (QUEUE_FULL beyond it), like a bounded work stream. */
  constructor(readonly maxWorkItems = Number.POSITIVE_INFINITY) {}

  /** A journal for one orchestrator. */
  journal(orchestratorId: string): InMemoryTaskJournal {
    return new InMemoryTaskJournal(this, orchestratorId);
  }

  /** Every state written for a task, oldest first (what a chaos report counts). */
  writesOf(taskId: string): readonly JournaledTask[] {
    return this.history.get(taskId) ?? [];
  }

  /** From now on writes wait until resumeWrites: lets two writers race on one revision. */
  pauseWrites(): void {
    this.held ??= [];
  }

  resumeWrites(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const write of held) write();
  }

  /** Hands a held work item to `journal`, as JetStream redelivers one whose ack wait ran out. */
  redeliver(taskId: string, journal: InMemoryTaskJournal): void {
    const entry = this.tasks.get(taskId);
    if (entry === undefined || !this.holders.has(taskId)) throw new Error(`no work item held for task '${taskId}'`);
    this.holders.set(taskId, journal);
    journal.take(entry);
  }

  /** @internal */ get workItems(): number {
    return this.holders.size + this.waiting.reduce((sum, ids) => sum + ids.length, 0);
  }

  /** @internal */ write(apply: () => void): Promise<void> {
    if (this.held === undefined) {
      apply();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.held?.push(() => {
        apply();
        resolve();
      });
    });
  }

  /** @internal */ create(task: JournaledTask): JournalEntry | undefined {
    if (this.tasks.has(task.id)) return undefined;
    return this.put(task);
  }

  /** @internal */ compareAndSet(journal: InMemoryTaskJournal, task: JournaledTask, revision: number): JournalWrite {
    const current = this.tasks.get(task.id);
    if (current?.revision !== revision) return { written: false, current };
    const entry = this.put(task);
    if (FINISHED_TASK_STATUSES.has(task.status)) {
      this.holders.delete(task.id);
      for (const ids of this.waiting) {
        const index = ids.indexOf(task.id);
        if (index >= 0) ids.splice(index, 1);
      }
      this.tellRunning((sink) => {
        sink.settled(task);
      });
    } else if (this.holders.get(task.id) !== journal) {
      // Written by one that does not hold the work item (JetStream's holder may have timed out): it holds it now.
      this.holders.set(task.id, journal);
    }
    this.afterWrite?.(journal, task);
    return { written: true, revision: entry.revision };
  }

  /** @internal */ read(taskId: string): JournalEntry | undefined {
    return this.tasks.get(taskId);
  }

  /** @internal */ enqueue(task: JournaledTask): void {
    if (this.holders.has(task.id)) return;
    const ids = this.waiting[PRIORITY_RANKS.indexOf(task.priority)] ?? [];
    if (!ids.includes(task.id)) ids.push(task.id);
    this.deliverSoon();
  }

  /** @internal */ keepAnswer(answer: JournaledAnswer): void {
    const key = `${answer.taskId}\u0000${answer.fence}`;
    if (this.answers.has(key)) return;
    this.answers.set(key, answer);
    this.tellRunning((sink) => {
      sink.answerRecorded(answer);
    });
  }

  /** @internal */ answer(taskId: string, fence: string): JournaledAnswer | undefined {
    return this.answers.get(`${taskId}\u0000${fence}`);
  }

  /** @internal */ putAgent(registration: ParsedAgentRegistration): void {
    this.agents.set(registration.agentId, registration);
    this.tellRunning((sink) => {
      sink.agentRegistered(registration);
    });
  }

  /** @internal */ deleteAgent(agentId: string): void {
    if (!this.agents.delete(agentId)) return;
    this.tellRunning((sink) => {
      sink.agentUnregistered(agentId);
    });
  }

  /** @internal */ join(journal: InMemoryTaskJournal): void {
    this.running.push(journal);
    for (const registration of this.agents.values()) journal.sink?.agentRegistered(registration);
    this.deliverSoon();
  }

  /** @internal */ leave(journal: InMemoryTaskJournal): void {
    const index = this.running.indexOf(journal);
    if (index >= 0) this.running.splice(index, 1);
    // Its work items go back to the queue at once (a stop naks them; a crash is an ack wait that ran out).
    for (const [taskId, holder] of [...this.holders]) {
      if (holder !== journal) continue;
      this.holders.delete(taskId);
      const entry = this.tasks.get(taskId);
      if (entry !== undefined) this.waiting[PRIORITY_RANKS.indexOf(entry.task.priority)]?.unshift(taskId);
    }
    this.deliverSoon();
  }

  /** News reaches every running journal a moment later, as a watch delivers it (never inside the writer's call). */
  private tellRunning(tell: (sink: TaskJournalSink) => void): void {
    const journals = [...this.running];
    queueMicrotask(() => {
      for (const journal of journals) if (journal.sink !== undefined) tell(journal.sink);
    });
  }

  private put(task: JournaledTask): JournalEntry {
    const entry = { task, revision: ++this.revision };
    this.tasks.set(task.id, entry);
    const writes = this.history.get(task.id);
    if (writes === undefined) this.history.set(task.id, [task]);
    else writes.push(task);
    return entry;
  }

  private deliverSoon(): void {
    queueMicrotask(() => {
      this.deliver();
    });
  }

  /** Hands waiting work items to running journals in turn, most urgent first. */
  private deliver(): void {
    for (let rank = this.waiting.length - 1; rank >= 0; rank--) {
      const ids = this.waiting[rank] ?? [];
      while (ids.length > 0 && this.running.length > 0) {
        const taskId = ids.shift() ?? '';
        const entry = this.tasks.get(taskId);
        if (entry === undefined || FINISHED_TASK_STATUSES.has(entry.task.status)) continue;
        const journal = this.running[this.nextTaker++ % this.running.length];
        if (journal === undefined) continue;
        this.holders.set(taskId, journal);
        journal.take(entry);
      }
    }
  }
}

/**
 * A TaskJournal in this process, with the same contract as the JetStream one: revisions,
 * compare-and-set, a work queue held by one orchestrator at a time, answers every journal
 * hears of. Several journals on one InMemoryJournalStore simulate several orchestrators.
 */
export class InMemoryTaskJournal implements TaskJournal {
  /** @internal */ sink: TaskJournalSink | undefined;
  private crashed = false;

  constructor(
    private readonly store: InMemoryJournalStore,
    readonly orchestratorId: string,
  ) {}

  start(sink: TaskJournalSink): Promise<void> {
    if (this.sink !== undefined) return Promise.resolve();
    this.crashed = false;
    this.sink = sink;
    this.store.join(this);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    if (this.sink === undefined) return Promise.resolve();
    this.sink = undefined;
    this.store.leave(this);
    return Promise.resolve();
  }

  /**
   * The orchestrator dies here: its work items go to the others, and every call it made or
   * makes from now on never returns (a write already applied stays applied).
   */
  crash(): void {
    this.crashed = true;
    this.sink = undefined;
    this.store.leave(this);
  }

  async submit(task: JournaledTask): Promise<'accepted' | 'exists'> {
    await this.alive();
    const known = this.store.read(task.id);
    if (known !== undefined) {
      if (known.task.status === 'queued' && known.task.attempts === 0) this.store.enqueue(known.task);
      return 'exists';
    }
    if (this.store.workItems >= this.store.maxWorkItems) {
      throw new TaskDistributionError(
        'QUEUE_FULL',
        `The shared work queue holds its maximum of ${String(this.store.maxWorkItems)} tasks (task '${task.id}')`,
        { taskId: task.id, requiredCapabilities: task.requiredCapabilities, missingCapabilities: [] },
      );
    }
    this.store.create(task);
    this.store.enqueue(task);
    return 'accepted';
  }

  async record(task: JournaledTask, revision: number): Promise<JournalWrite> {
    await this.alive();
    let outcome: JournalWrite = { written: false, current: undefined };
    await this.store.write(() => {
      outcome = this.store.compareAndSet(this, task, revision);
    });
    await this.alive();
    return outcome;
  }

  async read(taskId: string): Promise<JournalEntry | undefined> {
    await this.alive();
    return this.store.read(taskId);
  }

  async recordAnswer(answer: JournaledAnswer): Promise<void> {
    await this.alive();
    this.store.keepAnswer(answer);
  }

  async readAnswer(taskId: string, fence: string): Promise<JournaledAnswer | undefined> {
    await this.alive();
    return this.store.answer(taskId, fence);
  }

  async recordAgent(registration: ParsedAgentRegistration): Promise<void> {
    await this.alive();
    this.store.putAgent(registration);
  }

  async forgetAgent(agentId: string): Promise<void> {
    await this.alive();
    this.store.deleteAgent(agentId);
  }

  /** @internal */ take(entry: JournalEntry): void {
    this.sink?.adopt(entry);
  }

  /** Fails when stopped; never settles once crashed (the process is gone). */
  private alive(): Promise<void> {
    if (this.crashed) return new Promise(() => undefined);
    if (this.sink === undefined)
      return Promise.reject(
        new CommunicationError('TRANSPORT_CLOSED', `The task journal of '${this.orchestratorId}' is not running`),
      );
    return Promise.resolve();
  }
}
