import { hostname } from 'node:os';
import type { Logger, MessagePriority } from '@switchyard/core';
import type {
  JournaledAgent,
  JournaledAnswer,
  JournaledTask,
  JournalEntry,
  JournalWrite,
  TaskJournal,
  TaskJournalSink,
} from '@switchyard/core/internal';
import {
  CommunicationError,
  FINISHED_TASK_STATUSES,
  SilentLogger,
  SwitchyardError,
  TaskDistributionError,
  TaskResponseInputSchema,
} from '@switchyard/core';
import { JournaledAgentSchema, JournaledTaskSchema, PRIORITY_RANKS } from '@switchyard/core/internal';
import type {
  ConsumerMessages,
  JetStreamClient,
  JsMsg,
  KV,
  KvEntry,
  NatsConnection,
  QueuedIterator,
  Status,
} from 'nats';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  DiscardPolicy,
  Events,
  KvWatchInclude,
  nanos,
  RetentionPolicy,
  StorageType,
} from 'nats';
import type { JetStreamDurabilityOptions, JetStreamDurabilityOptionsInput } from './jetstream-durability-options.js';
import { JetStreamDurabilityOptionsSchema } from './jetstream-durability-options.js';
import { natsConnectionOptions } from './nats-connection-options.js';
import type { NatsTransportOptions, NatsTransportOptionsInput } from './nats-transport-options.js';
import { NatsTransportOptionsSchema } from './nats-transport-options.js';

/** JetStream's error code for a compare-and-set that found another revision. */
const WRONG_LAST_SEQUENCE = 10071;
const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;
/** JetStream's error code for a publish refused by a stream at its max_msgs with discard new. */
const MAXIMUM_MESSAGES_EXCEEDED = 10077;

const encoder = new TextEncoder();
/** Fences as orchestrators make them: letters, digits, "-", "_" and ".", so they fit in a KV key. */
const KEY_SAFE_FENCE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$/;

/** Pause between attempts to reopen the watches and the work queue after NATS came back. */
const REOPEN_RETRY_MS = 500;
/**
 * How often held work items are confirmed as in progress, at most. JetStream hands a dead
 * orchestrator's items over ackWaitMs after their last confirmation, so the interval adds to the
 * take-over time: short enough to keep that small, long enough to stay cheap with many held.
 */
const KEEP_ALIVE_MAX_INTERVAL_MS = 1_000;
/** Work items adopted side by side: a dead orchestrator's whole backlog comes back at once. */
const MAX_CONCURRENT_ADOPTIONS = 64;

/** Overheard answers are needed only until the task is adopted (ackWaitMs); kept longer for slow restarts. */
const ANSWER_TTL_MS = 3_600_000;

/**
 * The task journal on JetStream. Pending work is a work-queue stream (one subject and one shared
 * durable consumer per priority, so urgent work never queues behind routine work); every task's
 * state is a KV entry written with compare-and-set; transport agents are a second KV bucket.
 * An orchestrator holds the work item of each task it runs (un-acked, confirmed as in progress
 * every ackWaitMs / 5, at most every second) and acks it once the final state is written; if it dies, JetStream hands
 * the item to another orchestrator, which carries the task on from its KV state.
 */
export class JetStreamTaskJournal implements TaskJournal {
  readonly orchestratorId: string;
  private readonly transport: NatsTransportOptions;
  private readonly options: JetStreamDurabilityOptions;
  private readonly names: {
    stream: string;
    tasks: string;
    agents: string;
    answers: string;
    subject: (priority: MessagePriority) => string;
    consumer: (priority: MessagePriority) => string;
  };
  private connection: NatsConnection | undefined;
  private tasks: KV | undefined;
  private agents: KV | undefined;
  private answers: KV | undefined;
  /** The newest task revision seen: after a reconnect the watch resumes right after it. */
  private lastTaskRevision = 0;
  /** Likewise for answers: one kept while this orchestrator reconnected is still heard of. */
  private lastAnswerRevision = 0;
  private js: JetStreamClient | undefined;
  /** Work items of the tasks this orchestrator runs, by task id. */
  private readonly held = new Map<string, JsMsg>();
  /** Work items being adopted (their KV state is being read), by task id. */
  private readonly adopting = new Map<string, JsMsg>();
  /** Writes in progress, so stop lets them land before handing work items back. */
  private readonly writes = new Set<Promise<unknown>>();
  private readonly loops: Promise<void>[] = [];
  private readonly iterators: (ConsumerMessages | QueuedIterator<KvEntry>)[] = [];
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  /** Ends the connection-status loop (it does not end by itself when the connection closes). */
  private stopStatuses: (() => void) | undefined;

  constructor(
    transportOptions: NatsTransportOptionsInput,
    options: JetStreamDurabilityOptionsInput,
    private readonly logger: Logger = new SilentLogger(),
  ) {
    this.transport = NatsTransportOptionsSchema.parse(transportOptions);
    this.options = JetStreamDurabilityOptionsSchema.parse(options);
    this.orchestratorId =
      this.options.orchestratorId ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, '-')}-${String(process.pid)}`;
    const base = this.transport.subjectPrefix.replace(/\./g, '_');
    this.names = {
      stream: `${base}_work`,
      tasks: `${base}_tasks`,
      agents: `${base}_agents`,
      answers: `${base}_answers`,
      subject: (priority) => `${this.transport.subjectPrefix}.work.${priority}`,
      consumer: (priority) => `${base}_orchestrators_${priority}`,
    };
  }

  async start(sink: TaskJournalSink): Promise<void> {
    if (this.connection !== undefined) return;
    const connection = await connect({
      ...natsConnectionOptions(this.transport),
      name: `${this.transport.name ?? 'switchyard'}-journal-${this.orchestratorId}`,
    });
    this.connection = connection;
    const manager = await connection.jetstreamManager();
    await this.ensureWorkQueue(manager);
    this.js = connection.jetstream();
    const { replicas, retainFinishedMs } = this.options;
    this.tasks = await this.js.views.kv(this.names.tasks, {
      history: 1,
      replicas,
      ttl: retainFinishedMs,
      storage: StorageType.File,
    });
    this.agents = await this.js.views.kv(this.names.agents, { history: 1, replicas, storage: StorageType.File });
    this.answers = await this.js.views.kv(this.names.answers, {
      history: 1,
      replicas,
      ttl: ANSWER_TTL_MS,
      storage: StorageType.File,
    });
    // Answers kept before this start are read when a task is adopted; the watch resumes after them on a reconnect.
    this.lastAnswerRevision = (await this.answers.status()).streamInfo.state.last_seq;
    await this.open(sink, undefined);
    // Typed as a plain AsyncIterable, it is a QueuedIterator (with stop) in this nats.js release.
    const statuses = connection.status() as QueuedIterator<Status>;
    this.stopStatuses = () => {
      statuses.stop();
    };
    this.loops.push(this.followConnection(connection, statuses, sink));
    this.keepAlive = setInterval(
      () => {
        for (const message of this.held.values()) message.working();
      },
      Math.min(Math.floor(this.options.ackWaitMs / 5), KEEP_ALIVE_MAX_INTERVAL_MS),
    );
    this.keepAlive.unref();
  }

  /** Opens the watches and the work-queue consumers; `resumeFrom` picks the task watch up where it left off. */
  private async open(sink: TaskJournalSink, resumeFrom: number | undefined): Promise<void> {
    const { tasks, agents, answers, js } = this.require();
    const agentWatch = await agents.watch();
    const taskWatch = await tasks.watch(
      resumeFrom === undefined ? { include: KvWatchInclude.UpdatesOnly } : { resumeFromRevision: resumeFrom },
    );
    // From the first open on, every answer is heard of, those kept while this one reconnected included.
    const answerWatch = await answers.watch(
      resumeFrom === undefined
        ? { include: KvWatchInclude.UpdatesOnly }
        : { resumeFromRevision: this.lastAnswerRevision + 1 },
    );
    this.iterators.push(agentWatch, taskWatch, answerWatch);
    this.loops.push(
      this.followAgents(agentWatch, sink),
      this.followSettlements(taskWatch, sink),
      this.followAnswers(answerWatch, sink),
    );
    for (const priority of [...PRIORITY_RANKS].reverse()) {
      const consumer = await js.consumers.get(this.names.stream, this.names.consumer(priority));
      const messages = await consumer.consume({ max_messages: Math.min(this.options.maxTasksHeld, 256) });
      this.iterators.push(messages);
      this.loops.push(this.takeWork(messages, sink));
    }
  }

  /**
   * After nats-server restarts, the client reconnects but KV watches and consumers of this
   * nats.js release do not always resume: reopen them, the task watch from the next revision so
   * no final state written meanwhile is missed. JetStream may answer 503 for a moment: retry.
   */
  private async followConnection(
    connection: NatsConnection,
    statuses: AsyncIterable<Status>,
    sink: TaskJournalSink,
  ): Promise<void> {
    for await (const status of statuses) {
      if (status.type !== Events.Reconnect) continue;
      this.logger.info('NATS is back: reopening the task journal', { orchestratorId: this.orchestratorId });
      for (const iterator of this.iterators.splice(0)) iterator.stop();
      while (this.connection === connection) {
        try {
          await this.open(sink, this.lastTaskRevision + 1);
          break;
        } catch (error) {
          for (const iterator of this.iterators.splice(0)) iterator.stop();
          this.logger.warn('could not reopen the task journal yet', { error: String(error) });
          await new Promise((resolve) => setTimeout(resolve, REOPEN_RETRY_MS));
        }
      }
    }
  }

  /** Stops taking work and hands what this orchestrator held back to the others at once. */
  async stop(): Promise<void> {
    const connection = this.connection;
    if (connection === undefined) return;
    this.connection = undefined;
    clearInterval(this.keepAlive);
    this.stopStatuses?.();
    for (const iterator of this.iterators) iterator.stop();
    this.iterators.length = 0;
    await Promise.allSettled([...this.writes]);
    for (const message of this.held.values()) message.nak();
    this.held.clear();
    // drain waits for the server, which may be gone: close at once when not connected.
    await (connection.isClosed() ? Promise.resolve() : connection.drain()).catch(() => undefined);
    await Promise.allSettled(this.loops);
    this.loops.length = 0;
  }

  async submit(task: JournaledTask): Promise<'accepted' | 'exists'> {
    try {
      return await this.submitOnce(task);
    } catch (error) {
      throw typed(error, `submitting task '${task.id}'`);
    }
  }

  private async submitOnce(task: JournaledTask): Promise<'accepted' | 'exists'> {
    const { tasks, js } = this.require();
    const data = encoder.encode(JSON.stringify(task));
    try {
      await tasks.create(keyOf(task.id), data);
    } catch (error) {
      if (!isWrongRevision(error)) throw error;
      // Known id. If nobody has taken it yet, it may be that the first submission never reached
      // the work queue: publish again; the duplicate window drops it if it did.
      const stored = (await this.read(task.id))?.task;
      if (stored?.status === 'queued' && stored.attempts === 0)
        await js.publish(this.names.subject(stored.priority), encoder.encode(JSON.stringify(stored)), {
          msgID: stored.id,
        });
      return 'exists';
    }
    try {
      await js.publish(this.names.subject(task.priority), data, { msgID: task.id });
    } catch (error) {
      if (
        apiErrorCode(error) !== MAXIMUM_MESSAGES_EXCEEDED &&
        !(error instanceof Error && error.message.includes('maximum messages exceeded'))
      )
        throw error;
      // The work stream is full: keep nothing of the task.
      await tasks.delete(keyOf(task.id)).catch(() => undefined);
      await tasks.purge(keyOf(task.id)).catch(() => undefined);
      throw new TaskDistributionError(
        'QUEUE_FULL',
        `The shared work queue holds its maximum of ${String(this.options.maxWorkItems ?? 0)} tasks (task '${task.id}')`,
        {
          taskId: task.id,
          requiredCapabilities: task.requiredCapabilities,
          missingCapabilities: [],
        },
      );
    }
    return 'accepted';
  }

  record(task: JournaledTask, revision: number): Promise<JournalWrite> {
    const write = this.write(task, revision);
    const tracked = write.then(
      () => undefined,
      () => undefined,
    );
    this.writes.add(tracked);
    void tracked.then(() => this.writes.delete(tracked));
    return write.catch((error: unknown) => {
      throw typed(error, `writing task '${task.id}'`);
    });
  }

  async read(taskId: string): Promise<JournalEntry | undefined> {
    try {
      return await this.readEntry(taskId);
    } catch (error) {
      throw typed(error, `reading task '${taskId}'`);
    }
  }

  private async readEntry(taskId: string): Promise<JournalEntry | undefined> {
    const entry = await this.require().tasks.get(keyOf(taskId));
    if (entry === null || entry.operation !== 'PUT') return undefined;
    const task = this.parseTask(entry.value);
    return task === undefined ? undefined : { task, revision: entry.revision };
  }

  async recordAnswer(answer: JournaledAnswer): Promise<void> {
    try {
      // Our fences are key-safe; one that is not was never sent by an orchestrator.
      if (!KEY_SAFE_FENCE.test(answer.fence)) return;
      await this.require().answers.create(
        `${keyOf(answer.taskId)}.${answer.fence}`,
        encoder.encode(JSON.stringify(answer)),
      );
    } catch (error) {
      // Another orchestrator kept the same answer first: one copy is enough.
      if (!isWrongRevision(error)) throw typed(error, `keeping an answer to task '${answer.taskId}'`);
    }
  }

  async readAnswer(taskId: string, fence: string): Promise<JournaledAnswer | undefined> {
    if (!KEY_SAFE_FENCE.test(fence)) return undefined;
    try {
      const entry = await this.require().answers.get(`${keyOf(taskId)}.${fence}`);
      if (entry === null || entry.operation !== 'PUT') return undefined;
      const answer = parseAnswer(entry.value);
      return answer?.taskId === taskId && answer.fence === fence ? answer : undefined;
    } catch (error) {
      throw typed(error, `reading an answer to task '${taskId}'`);
    }
  }

  async recordAgent(registration: JournaledAgent): Promise<void> {
    try {
      await this.require().agents.put(registration.agentId, encoder.encode(JSON.stringify(registration)));
    } catch (error) {
      throw typed(error, `journaling agent '${registration.agentId}'`);
    }
  }

  async forgetAgent(agentId: string): Promise<void> {
    try {
      await this.require().agents.delete(agentId);
    } catch (error) {
      throw typed(error, `forgetting agent '${agentId}'`);
    }
  }

  private async write(task: JournaledTask, revision: number): Promise<JournalWrite> {
    const { tasks } = this.require();
    let written: number;
    try {
      written = await tasks.update(keyOf(task.id), encoder.encode(JSON.stringify(task)), revision);
    } catch (error) {
      if (!isWrongRevision(error)) throw error;
      // Another orchestrator moved the task: let go without acking; JetStream keeps its work item for whoever holds it.
      this.held.delete(task.id);
      return { written: false, current: await this.readEntry(task.id) };
    }
    if (FINISHED_TASK_STATUSES.has(task.status)) {
      const message = this.held.get(task.id);
      this.held.delete(task.id);
      message?.ack();
    }
    return { written: true, revision: written };
  }

  /**
   * Adopts work items as they come, several at once: one KV read after another made the last of a
   * dead orchestrator's tasks wait for all the others' round trips (seconds on a loaded cluster).
   */
  private async takeWork(messages: ConsumerMessages, sink: TaskJournalSink): Promise<void> {
    const adoptions = new Set<Promise<void>>();
    for await (const message of messages) {
      if (this.connection === undefined) break;
      const adoption: Promise<void> = this.adoptOrHandBack(message, sink).finally(() => adoptions.delete(adoption));
      adoptions.add(adoption);
      if (adoptions.size >= MAX_CONCURRENT_ADOPTIONS) await Promise.race(adoptions);
    }
    await Promise.allSettled(adoptions);
  }

  private async adoptOrHandBack(message: JsMsg, sink: TaskJournalSink): Promise<void> {
    try {
      await this.adopt(message, sink);
    } catch (error) {
      this.logger.warn('could not take a task from the work queue; it will come back', { error: String(error) });
      message.nak(1_000);
    }
  }

  private async adopt(message: JsMsg, sink: TaskJournalSink): Promise<void> {
    const submitted = this.parseTask(message.data);
    if (submitted === undefined) {
      message.term();
      return;
    }
    if (this.held.has(submitted.id) || this.adopting.has(submitted.id)) {
      // Redelivered to us while we still hold it (a late confirmation): keep the newer handle.
      if (this.adopting.has(submitted.id)) this.adopting.set(submitted.id, message);
      else this.held.set(submitted.id, message);
      return;
    }
    this.adopting.set(submitted.id, message);
    try {
      await this.adoptFromStore(submitted, message.data, sink);
    } finally {
      this.adopting.delete(submitted.id);
    }
  }

  /** Adopts a task from its KV state; the work item is the newest handle of it seen meanwhile. */
  private async adoptFromStore(
    submitted: JournaledTask,
    submittedData: Uint8Array,
    sink: TaskJournalSink,
  ): Promise<void> {
    const { tasks } = this.require();
    const entry = await tasks.get(keyOf(submitted.id));
    let stored = entry === null || entry.operation !== 'PUT' ? undefined : this.parseTask(entry.value);
    let revision = entry?.revision;
    if (stored === undefined) {
      revision = await tasks.put(keyOf(submitted.id), submittedData);
      stored = submitted;
    }
    const message = this.adopting.get(submitted.id);
    if (message === undefined) return;
    if (FINISHED_TASK_STATUSES.has(stored.status)) {
      message.ack();
      return;
    }
    this.held.set(stored.id, message);
    sink.adopt({ task: stored, revision: revision ?? 0 });
  }

  private async followSettlements(watch: QueuedIterator<KvEntry>, sink: TaskJournalSink): Promise<void> {
    for await (const entry of watch) {
      this.lastTaskRevision = Math.max(this.lastTaskRevision, entry.revision);
      if (entry.operation !== 'PUT') continue;
      const task = this.parseTask(entry.value);
      if (task === undefined || !FINISHED_TASK_STATUSES.has(task.status)) continue;
      // Finished by another writer (a cancellation through another orchestrator): the item held here is done too.
      const message = this.held.get(task.id);
      this.held.delete(task.id);
      message?.ack();
      sink.settled(task);
    }
  }

  private async followAnswers(watch: QueuedIterator<KvEntry>, sink: TaskJournalSink): Promise<void> {
    for await (const entry of watch) {
      this.lastAnswerRevision = Math.max(this.lastAnswerRevision, entry.revision);
      if (entry.operation !== 'PUT') continue;
      const answer = parseAnswer(entry.value);
      if (answer !== undefined) sink.answerRecorded(answer);
    }
  }

  private async followAgents(watch: QueuedIterator<KvEntry>, sink: TaskJournalSink): Promise<void> {
    for await (const entry of watch) {
      if (entry.operation !== 'PUT') {
        sink.agentUnregistered(entry.key);
        continue;
      }
      const parsed = JournaledAgentSchema.safeParse(parseJson(entry.value));
      if (parsed.success) sink.agentRegistered(parsed.data);
      else this.logger.warn('ignored a malformed agent in the journal', { key: entry.key });
    }
  }

  private parseTask(data: Uint8Array): JournaledTask | undefined {
    const parsed = JournaledTaskSchema.safeParse(parseJson(data));
    if (parsed.success) return parsed.data;
    this.logger.warn('ignored a malformed task in the journal', {
      issues: parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; '),
    });
    return undefined;
  }

  private async ensureWorkQueue(manager: Awaited<ReturnType<NatsConnection['jetstreamManager']>>): Promise<void> {
    const { stream } = this.names;
    try {
      await manager.streams.info(stream);
    } catch (error) {
      if (apiErrorCode(error) !== STREAM_NOT_FOUND) throw error;
      await manager.streams.add({
        name: stream,
        subjects: [`${this.transport.subjectPrefix}.work.*`],
        ...this.workStreamBounds(),
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        num_replicas: this.options.replicas,
        duplicate_window: nanos(this.options.duplicateWindowMs),
      });
    }
    const info = await manager.streams.info(stream);
    const bounds = this.workStreamBounds();
    if (info.config.max_msgs !== bounds.max_msgs || info.config.discard !== bounds.discard) {
      // A stream made by an earlier release (or with another maxLength): the configured bound applies.
      await manager.streams.update(stream, { ...info.config, ...bounds });
    }
    for (const priority of PRIORITY_RANKS) {
      const name = this.names.consumer(priority);
      try {
        await manager.consumers.info(stream, name);
      } catch (error) {
        if (apiErrorCode(error) !== CONSUMER_NOT_FOUND) throw error;
        await manager.consumers.add(stream, {
          durable_name: name,
          filter_subject: this.names.subject(priority),
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: nanos(this.options.ackWaitMs),
          max_ack_pending: this.options.maxTasksHeld,
          max_deliver: -1,
        });
      }
    }
  }

  /** Waiting and running tasks of every orchestrator are the work stream's messages: the bound is on them. */
  private workStreamBounds(): { max_msgs: number; discard: DiscardPolicy } {
    return { max_msgs: this.options.maxWorkItems ?? -1, discard: DiscardPolicy.New };
  }

  private require(): { tasks: KV; agents: KV; answers: KV; js: JetStreamClient } {
    if (
      this.tasks === undefined ||
      this.agents === undefined ||
      this.answers === undefined ||
      this.js === undefined ||
      this.connection === undefined
    ) {
      throw new CommunicationError('TRANSPORT_CLOSED', 'The JetStream task journal is not running');
    }
    return { tasks: this.tasks, agents: this.agents, answers: this.answers, js: this.js };
  }
}

/** KV keys allow fewer characters than task ids (":"): base64url maps every id to a valid, distinct key. */
function keyOf(taskId: string): string {
  return Buffer.from(taskId, 'utf8').toString('base64url');
}

/** An answer as the answers bucket keeps it: untrusted, parsed like a wire message; attempt and fence are required. */
function parseAnswer(data: Uint8Array): JournaledAnswer | undefined {
  const parsed = TaskResponseInputSchema.safeParse(parseJson(data));
  if (!parsed.success) return undefined;
  const { attempt, fence } = parsed.data;
  return attempt === undefined || fence === undefined ? undefined : { ...parsed.data, attempt, fence };
}

function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * NATS errors as Switchyard's typed ones, so callers (and MCP clients) see TIMEOUT or
 * TRANSPORT_CLOSED with what was being done, not a bare INTERNAL.
 */
function typed(error: unknown, action: string): Error {
  if (error instanceof SwitchyardError) return error;
  const natsCode = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (natsCode === 'TIMEOUT')
    return new CommunicationError('TIMEOUT', `JetStream did not answer in time while ${action}`, { cause: message });
  if (natsCode === 'CONNECTION_CLOSED' || natsCode === 'CONNECTION_DRAINING' || natsCode === 'DISCONNECT') {
    return new CommunicationError('TRANSPORT_CLOSED', `The NATS connection is down while ${action}`, {
      cause: message,
    });
  }
  if (natsCode === '503')
    return new CommunicationError('DELIVERY_FAILED', `JetStream is not available yet (restarting?) while ${action}`, {
      cause: message,
    });
  return new CommunicationError('DELIVERY_FAILED', `JetStream refused ${action}: ${message}`, { cause: message });
}

function apiErrorCode(error: unknown): number | undefined {
  return (error as { api_error?: { err_code?: number } } | undefined)?.api_error?.err_code;
}

function isWrongRevision(error: unknown): boolean {
  return (
    apiErrorCode(error) === WRONG_LAST_SEQUENCE ||
    (error instanceof Error && error.message.includes('wrong last sequence'))
  );
}
