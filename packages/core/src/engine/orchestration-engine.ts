import { inject, injectable } from 'inversify';
import { isSameSession, newAgentSession } from '../auth/agent-session.js';
import type { Authenticator } from '../auth/authenticator.js';
import { authorize, authorizeAgent } from '../auth/authorize.js';
import type { Permission } from '../auth/permission.js';
import type { Principal } from '../auth/principal.js';
import { SlabMap } from '../collections/slab-map.js';
import { CommunicationManager } from '../communication/communication-manager.js';
import { TOKENS } from '../di/tokens.js';
import type {
  CreateTaskInput,
  DistributeTaskInput,
  TaskAssignment,
  TaskResponseInput,
} from '../distribution/task-inputs.js';
import { DistributeTaskRequestSchema } from '../distribution/task-inputs.js';
import type { TaskFinishWatcher } from '../distribution/task-finish-watcher.js';
import { TaskDistributor } from '../distribution/task-distributor.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { AuthorizationError } from '../errors/authorization-error.js';
import { CommunicationError } from '../errors/communication-error.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import { TaskExecutionError } from '../errors/task-execution-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { isAgentAddress, ORCHESTRATOR_ADDRESS } from '../models/addresses.js';
import type { AgentRegistration } from '../models/agent-registration.js';
import type { AgentStatusUpdate } from '../models/agent-status-update.js';
import type { AgentSnapshot } from '../models/agent-view.js';
import type { Envelope, EnvelopeOf } from '../models/envelope.js';
import type { DistributionEventListener, QueueStats } from '../events/distribution-event.js';
import { FINISHED_TASK_STATUSES } from '../models/task.js';
import type { Task } from '../models/task.js';
import type { TaskResult } from '../models/task-result.js';
import type { TaskProgressEvent, TaskProgressListener } from '../models/task-progress.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { SummarizingLogger } from '../ports/summarizing-logger.js';
import { TRANSPORT_OWNER } from '../registry/agent-claims.js';
import { LoopLag } from '../timers/loop-lag.js';
import type { TimeoutBatch, TimeoutSlot } from '../timers/batched-timeouts.js';
import { BatchedTimeouts } from '../timers/batched-timeouts.js';
import { parseInput } from '../validation/parse-input.js';
import type { CoreOptions } from './core-options.js';
import type { CancelTaskInput, ExecuteTaskInput, ListTasksInput, RunTaskInput, WithAuth } from './engine-inputs.js';
import { AnswerRefusals } from './answer-refusals.js';
import {
  CancelTaskInputSchema,
  ExecuteTaskInputSchema,
  ListTasksInputSchema,
  RunTaskRequestSchema,
  TaskIdInputSchema,
} from './engine-inputs.js';

/**
 * A caller of executeTask or runTask, waiting for one task's answer (and timed by
 * BatchedTimeouts). A runTask caller without a journal rides on the task record itself
 * (`onRecord`, see TaskFinishWatcher); the others wait in the engine's map by task id.
 */
class Waiter implements TimeoutSlot, TaskFinishWatcher {
  timeoutBatch: TimeoutBatch | undefined;
  timeoutPrevious: TimeoutSlot | undefined;
  timeoutNext: TimeoutSlot | undefined;
  readonly result: Promise<TaskResult>;
  resolve!: (result: TaskResult) => void;
  reject!: (error: Error) => void;
  /** Set when the caller hears progress: its listener leaves when the wait is given up unsettled. */
  whenAbandoned: (() => void) | undefined = undefined;

  constructor(
    readonly taskId: string,
    private readonly timeouts: BatchedTimeouts<Waiter>,
    readonly onRecord: boolean,
  ) {
    this.result = new Promise<TaskResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The task's outcome: a result, or the typed error of a task that did not complete. */
  taskFinished(task: Task): void {
    this.timeouts.cancel(this);
    try {
      this.resolve(toTaskResult(task));
    } catch (error) {
      this.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The wait ends without an outcome. */
  fail(error: Error): void {
    this.timeouts.cancel(this);
    this.reject(error);
  }
}

const ANY_TASK_PERMISSION: readonly Permission[] = ['tasks:create', 'tasks:distribute', 'tasks:respond'];
/** Reading tasks: anyone who works with tasks, readers (tasks:read) and watch-only operators (ops:read). */
const READ_PERMISSION: readonly Permission[] = [...ANY_TASK_PERMISSION, 'tasks:read', 'ops:read'];
/** Reading agents and the queue: task readers, agent readers (agents:read). */
const AGENT_READ_PERMISSION: readonly Permission[] = [...READ_PERMISSION, 'agents:read'];

/**
 * The front door: every operation authenticates the caller's token, checks the permission it
 * needs, validates its input and then acts. It also takes agents' messages from the transport
 * and resolves the callers waiting in executeTask.
 */
@injectable()
export class OrchestrationEngine {
  /** Callers of executeTask (and of runTask with a journal) per task: one waiter alone (the usual case), several in an array. */
  private readonly waiters = new SlabMap<Waiter | Waiter[]>();
  /** Waits that ran out: the caller gets TASK_TIMEOUT. Batched, as every runTask starts one. */
  private readonly waitTimeouts = new BatchedTimeouts<Waiter>((waiter, timeoutMs) => {
    this.cancel(waiter);
    waiter.reject(
      new TaskExecutionError(
        'TASK_TIMEOUT',
        `No answer for task '${waiter.taskId}' within ${String(timeoutMs)} ms; it keeps running and getTask shows its outcome`,
        {
          taskId: waiter.taskId,
          timeoutMs,
        },
      ),
    );
  }, false);
  private unsubscribeFinished: (() => void) | undefined;
  /** Whoever hears every task's progress (the dashboard, the HTTP stream): onTaskProgress. */
  private readonly progressListeners = new Set<TaskProgressListener>();
  /** Callers of runTask/executeTask that asked for a task's progress (onProgress), per task, while they wait. */
  private readonly progressCallers = new Map<string, TaskProgressListener[]>();
  /** Progress reports dropped (not the current attempt's holder, task not running), by code (a metric). */
  private readonly droppedProgress = new Map<string, number>();
  /** Refused answers are told to their agent, a bounded number per agent and second. */
  private readonly refusals = new AnswerRefusals();
  private livenessTimer: ReturnType<typeof setInterval> | undefined;
  /** The liveness timer's drift: how long the event loop could not read heartbeats lately. */
  private loopLag: LoopLag | undefined;
  /** Agent envelopes refused, by kind and code (a metric). */
  private readonly refused = new Map<string, number>();
  /** Refusals are logged per sender and interval, then summarised: a flood costs a bounded number of lines. */
  private readonly warnings: SummarizingLogger;

  constructor(
    @inject(TaskDistributor) private readonly distributor: TaskDistributor,
    @inject(CommunicationManager) private readonly communication: CommunicationManager,
    @inject(TOKENS.Authenticator) private readonly authenticator: Authenticator,
    @inject(TOKENS.CoreOptions) private readonly options: CoreOptions,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) logger: Logger,
  ) {
    this.warnings = new SummarizingLogger(logger, clock, {
      intervalMs: options.agents.warningIntervalMs,
      sendersPerInterval: options.agents.warningSendersPerInterval,
    });
  }

  /** Starts listening for agents on the transport. */
  async start(): Promise<void> {
    if (this.unsubscribeFinished !== undefined) return;
    this.unsubscribeFinished = this.distributor.onTaskFinished((task) => {
      this.wake(task);
    });
    await this.communication.start({
      agent_register: (envelope) => this.answer(envelope, () => this.registerOverTransport(envelope)),
      agent_unregister: (envelope) =>
        this.answer(envelope, () => {
          this.checkSession(envelope, envelope.payload.agentId, envelope.payload.session);
          this.distributor.unregisterAgent(envelope.payload.agentId);
          return {};
        }),
      agent_status: (envelope) =>
        this.answer(envelope, () => {
          const { session, ...update } = envelope.payload;
          this.checkSession(envelope, update.agentId, session);
          this.distributor.updateAgentStatus(update, true);
          return {};
        }),
      task_progress: (envelope) => {
        this.progressFromAgent(envelope);
      },
      task_response: (envelope) => {
        try {
          this.checkSession(envelope, envelope.payload.agentId, envelope.payload.session);
        } catch (error) {
          this.count(envelope.kind, error);
          throw error;
        }
        // Only an agent that proved its session learns why its answer was not booked.
        try {
          this.distributor.acceptAgentAnswer(envelope.payload);
        } catch (error) {
          this.refuseAnswer(envelope, error);
          throw error;
        }
      },
    });
    const { heartbeatIntervalMs, missedHeartbeats } = this.options.agents;
    const loopLag = (this.loopLag = new LoopLag(heartbeatIntervalMs, missedHeartbeats + 1, this.clock.now()));
    this.livenessTimer = setInterval(() => {
      const now = this.clock.now();
      const lagMs = loopLag.tick(now);
      this.distributor.maintainFleet(now);
      // Late by more than half a beat: the loop was stalled, and heartbeats that arrived on time
      // may still wait in the socket behind this timer. The next tick judges, once they are read.
      if (lagMs > heartbeatIntervalMs / 2) return;
      this.distributor.expireSilentAgents(now - heartbeatIntervalMs * missedHeartbeats - loopLag.recentMaxMs);
    }, heartbeatIntervalMs);
    // Never keeps a process alive on its own where the runtime can say so (Node); elsewhere there is no unref.
    (this.livenessTimer as { unref?: () => void }).unref?.();
    await this.distributor.startJournal();
    this.distributor.resume();
  }

  /** Stops listening; callers still waiting get a CommunicationError. */
  async stop(): Promise<void> {
    this.unsubscribeFinished?.();
    this.unsubscribeFinished = undefined;
    this.distributor.pause();
    clearInterval(this.livenessTimer);
    await this.distributor.stopJournal();
    await this.communication.stop();
    const closed = new CommunicationError('TRANSPORT_CLOSED', 'The orchestrator stopped before the task finished');
    for (const taskId of [...this.waiters.keys()]) this.failWaiters(taskId, closed);
    for (const watcher of this.distributor.releaseWatchers()) if (watcher instanceof Waiter) watcher.fail(closed);
  }

  async createTask(input: WithAuth<CreateTaskInput>): Promise<Task> {
    const { rest } = await this.authorized(input, 'tasks:create');
    return this.distributor.createTask(rest as CreateTaskInput);
  }

  /** Distributes a created task if still pending, then waits for its answer (or the timeout). */
  async executeTask(input: WithAuth<ExecuteTaskInput>): Promise<TaskResult> {
    const { rest } = await this.authorized(input, 'tasks:distribute');
    const { taskId, timeoutMs, onProgress } = parseInput(ExecuteTaskInputSchema, rest, 'executeTask input');
    // Wait first, read second: a task finishing while the read is under way still wakes us.
    const waiter = this.waitFor(taskId, timeoutMs ?? this.options.tasks.defaultTimeoutMs);
    if (onProgress !== undefined) this.hearProgress(waiter, onProgress);
    let current: Task;
    try {
      current = await this.distributor.readTask(taskId);
    } catch (error) {
      this.cancel(waiter);
      throw error;
    }
    if (FINISHED_TASK_STATUSES.has(current.status)) {
      this.cancel(waiter);
      return toTaskResult(current);
    }
    if (current.status === 'pending') {
      try {
        // Sent to an agent or queued; either way the answer comes through the waiter.
        await this.distributor.dispatchTask(taskId);
      } catch (error) {
        // Nobody can ever run it (or the queue is full): the task is dropped (or failed, STRATEGY_FAILED), this caller stops waiting.
        // A failed task already woke the waiter: its rejection is this same error, answered below.
        waiter.result.catch(() => undefined);
        this.cancel(waiter);
        throw error;
      }
    }
    return waiter.result;
  }

  /**
   * Hands a new task over (as distributeTask) and resolves with its answer (as executeTask): one
   * call for a client that wants the result. Rejects with the typed error of a refused task, a
   * failed or dead-lettered one (TaskExecutionError), or TASK_TIMEOUT after `timeoutMs`, the
   * configured default when omitted (the task keeps running; getTask shows its outcome).
   */
  runTask(input: WithAuth<RunTaskInput>): Promise<TaskResult> {
    // Not async, and no await for a token verified before: per task that is a promise and a turn less.
    const token = tokenOf(input);
    const known = typeof token === 'string' ? this.authenticator.recognize?.(token) : undefined;
    if (known !== undefined) return this.runAuthorized(known, input);
    return this.principalOf(input).then((principal) => this.runAuthorized(principal, input));
  }

  private runAuthorized(principal: Principal, input: WithAuth<RunTaskInput>): Promise<TaskResult> {
    let waiter: Waiter;
    let accepted: Promise<unknown> | undefined;
    try {
      authorize(principal, 'tasks:distribute');
      const parsed = parseInput(RunTaskRequestSchema, input, 'task');
      const timeoutMs = parsed.timeoutMs ?? this.options.tasks.defaultTimeoutMs;
      // Refusals throw from launch, before anyone waits.
      if (this.distributor.isDurable) {
        // Another orchestrator may finish the task: wait by id. Waiting after the hand-over is in
        // time: transports and the journal answer asynchronously, never within this call.
        accepted = this.distributor.launch(parsed);
        waiter = this.waitFor(parsed.taskId, timeoutMs);
      } else {
        waiter = new Waiter(parsed.taskId, this.waitTimeouts, true);
        // Without a journal launch returns no promise: acceptance is final here.
        void this.distributor.launch(parsed, waiter);
        this.waitTimeouts.start(waiter, timeoutMs);
      }
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    // Checked by the schema above; read from the input, which the parse does not copy it into.
    const onProgress = (input as { onProgress?: TaskProgressListener }).onProgress;
    if (onProgress !== undefined) this.hearProgress(waiter, onProgress);
    // Durable mode: the journal may still refuse the task, which ends the wait with its error.
    void accepted?.then(undefined, (error: unknown) => {
      this.cancel(waiter);
      waiter.fail(error instanceof Error ? error : new Error(String(error)));
    });
    return waiter.result;
  }

  /**
   * Ends a task that has not finished (status `cancelled`): a queued one leaves the queue, a
   * running attempt's agent gets a task_cancel, and callers waiting for it get TASK_CANCELLED.
   * Needs `tasks:distribute` (who may hand tasks out may call them back).
   */
  async cancelTask(input: WithAuth<CancelTaskInput>): Promise<Task> {
    const { principal, rest } = await this.authorized(input, 'tasks:distribute');
    const { taskId, reason } = parseInput(CancelTaskInputSchema, rest, 'cancelTask input');
    return this.distributor.cancelAnywhere(taskId, reason ?? `cancelled by ${principal.name}`);
  }

  /** A token bound to an agent reads only the tasks assigned to that agent (others are "not found"). */
  async getTask(input: WithAuth<{ taskId: string }>): Promise<Task> {
    const { principal, rest } = await this.authorized(input, ...READ_PERMISSION);
    const task = await this.distributor.readTask(parseInput(TaskIdInputSchema, rest, 'getTask input').taskId);
    if (principal.agentId !== undefined && task.assignedAgentId !== principal.agentId)
      throw NotFoundError.task(task.id);
    return task;
  }

  async listTasks(input: WithAuth<ListTasksInput>): Promise<Task[]> {
    const { principal, rest } = await this.authorized(input, ...READ_PERMISSION);
    const filter = parseInput(ListTasksInputSchema, rest, 'listTasks input');
    return this.distributor.listTasks(
      principal.agentId === undefined ? filter : { ...filter, agentId: principal.agentId },
    );
  }

  /** Tasks waiting for a free agent or a retry, per priority. */
  async queueStats(input: WithAuth<object>): Promise<QueueStats> {
    await this.authorized(input, ...AGENT_READ_PERMISSION, 'agents:update');
    return this.distributor.queueStats();
  }

  /**
   * Every task's progress reports as they arrive from the holders of their attempts (the
   * dashboard, streams); returns the way to stop listening. With nobody listening a report
   * costs its checks and nothing more.
   */
  onTaskProgress(listener: TaskProgressListener): () => void {
    this.progressListeners.add(listener);
    return () => {
      this.progressListeners.delete(listener);
    };
  }

  /** Progress reports dropped so far (from a non-holder of the attempt, or for a task not running), by code. */
  droppedProgressReports(): { code: string; count: number }[] {
    return Array.from(this.droppedProgress, ([code, count]) => ({ code, count }));
  }

  /** Everything the distributor does, as it happens (metrics, dashboards); returns the way to stop listening. */
  onEvent(listener: DistributionEventListener): () => void {
    return this.distributor.onEvent(listener);
  }

  async listAgents(input: WithAuth<object>): Promise<AgentSnapshot[]> {
    await this.authorized(input, ...AGENT_READ_PERMISSION, 'agents:register', 'agents:update');
    return this.distributor.listAgents();
  }

  /** The per-task call: the input is checked once, token included, and never copied. */
  async distributeTask(input: WithAuth<DistributeTaskInput>): Promise<TaskAssignment> {
    authorize(await this.principalOf(input), 'tasks:distribute');
    // `return await`: resolving with the distributor's promise directly would cost two more turns.
    return await this.distributor.distributeParsed(parseInput(DistributeTaskRequestSchema, input, 'task'));
  }

  async handleTaskResponse(input: WithAuth<TaskResponseInput>): Promise<Task> {
    const { principal, rest } = await this.authorized(input, 'tasks:respond');
    authorizeAgent(principal, String(rest.agentId));
    // An agent that joined over a transport answers with its session, whichever way the answer comes.
    const expected = this.distributor.sessionOf(String(rest.agentId));
    if (expected !== undefined && !isSameSession(expected, typeof rest.session === 'string' ? rest.session : undefined))
      throw sessionRefused(String(rest.agentId));
    return this.distributor.handleTaskResponse(rest as TaskResponseInput);
  }

  async registerAgentWithDistributor(input: WithAuth<AgentRegistration>): Promise<AgentSnapshot> {
    const { principal, rest } = await this.authorized(input, 'agents:register');
    authorizeAgent(principal, String(rest.agentId));
    return this.distributor.registerAgent(rest as AgentRegistration, false, { owner: principal.name });
  }

  async unregisterAgentFromDistributor(input: WithAuth<{ agentId: string }>): Promise<AgentSnapshot> {
    const { principal, rest } = await this.authorized(input, 'agents:register');
    authorizeAgent(principal, String(rest.agentId));
    const { agentId, ...unexpected } = rest;
    const extra = Object.keys(unexpected);
    if (extra.length > 0)
      throw new ValidationError(
        extra.map((field) => ({ field, message: 'unknown field' })),
        'unregister input',
      );
    return this.distributor.unregisterAgent(agentId as string);
  }

  async updateAgentStatusInDistributor(input: WithAuth<AgentStatusUpdate>): Promise<AgentSnapshot> {
    const { principal, rest } = await this.authorized(input, 'agents:update');
    authorizeAgent(principal, String(rest.agentId));
    return this.distributor.updateAgentStatus(rest as AgentStatusUpdate);
  }

  /** Authenticates first (so anonymous callers learn nothing about their input), then checks the permission. */
  private async authorized(
    input: unknown,
    ...anyOf: readonly Permission[]
  ): Promise<{ principal: Principal; rest: Record<string, unknown> }> {
    const principal = await this.principalOf(input);
    authorize(principal, ...anyOf);
    const { authToken: _token, ...rest } = input as Record<string, unknown>;
    return { principal, rest };
  }

  private principalOf(input: unknown): Promise<Principal> {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return Promise.reject(ValidationError.field('', 'expected an object'));
    }
    const { authToken } = input as { authToken?: unknown };
    if (authToken !== undefined && typeof authToken !== 'string')
      return Promise.reject(ValidationError.field('authToken', 'expected a string'));
    return this.authenticator.authenticate(authToken);
  }

  /** Refused agent envelopes so far, by kind and code (for metrics). */
  refusedAgentEnvelopes(): { kind: string; code: string; count: number }[] {
    return Array.from(this.refused, ([key, count]) => {
      const [kind = '', code = ''] = key.split(' ');
      return { kind, code, count };
    });
  }

  /** How late the liveness check fired lately (the event loop's lag), which extends every agent's heartbeat grace. */
  get recentLoopLagMs(): number {
    return this.loopLag?.recentMaxMs ?? 0;
  }

  /**
   * A registration over the transport: authenticated by its token when it carries one (required
   * with agents.requireToken), checked by the registry's claims (one live registration per id,
   * per-principal limits), answered with the session every later envelope must carry.
   */
  private async registerOverTransport(envelope: EnvelopeOf<'agent_register'>): Promise<AckExtras> {
    assertToOrchestrator(envelope);
    const { authToken, session: proposed, ...registration } = envelope.payload;
    this.asSender(envelope, registration.agentId, undefined);
    let owner = TRANSPORT_OWNER;
    if (authToken !== undefined) {
      const principal = await this.authenticator.authenticate(authToken);
      authorize(principal, 'agents:register');
      authorizeAgent(principal, registration.agentId);
      owner = principal.name;
    } else if (this.options.agents.requireToken) {
      throw new AuthenticationError('agent_register needs an authToken here (agents.requireToken)');
    }
    const session = proposed ?? newAgentSession();
    this.distributor.registerAgent(registration, true, { owner, session });
    return { heartbeatIntervalMs: this.options.agents.heartbeatIntervalMs, session };
  }

  /** Every envelope after the registration: addressed to the orchestrator, from the agent it names, with its session. */
  private checkSession(envelope: Envelope, agentId: string, session: string | undefined): void {
    assertToOrchestrator(envelope);
    this.asSender(envelope, agentId, undefined);
    const expected = this.distributor.sessionOf(agentId);
    if (expected !== undefined && isSameSession(expected, session)) return;
    if (expected === undefined && !this.distributor.hasAgent(agentId)) throw NotFoundError.agent(agentId);
    throw sessionRefused(agentId);
  }

  private count(kind: string, error: unknown): void {
    const key = `${kind} ${error instanceof SwitchyardError ? error.code : 'INTERNAL'}`;
    this.refused.set(key, (this.refused.get(key) ?? 0) + 1);
  }

  /** On the transport an agent speaks only for itself: the sender address must be its own. */
  private asSender<T>(envelope: Envelope, agentId: string, value: T): T {
    if (!isAgentAddress(envelope.from, agentId)) {
      throw new AuthorizationError('NOT_ASSIGNED_AGENT', `'${envelope.from}' may not act for agent '${agentId}'`, {
        from: envelope.from,
        agentId,
      });
    }
    return value;
  }

  /** An answer from the transport was not booked: its agent learns why (answer_refused), so it stops work nobody wants. */
  private refuseAnswer(envelope: EnvelopeOf<'task_response'>, error: unknown): void {
    if (!(error instanceof SwitchyardError) || !this.refusals.mayTell(envelope.from, this.clock.now())) return;
    const { taskId, attempt } = envelope.payload;
    this.communication.sendAnswerRefused(envelope.from, {
      taskId,
      ...(attempt === undefined ? {} : { attempt }),
      code: error.code,
      message: error.message,
    });
  }

  private async answer(
    envelope: EnvelopeOf<'agent_register' | 'agent_unregister' | 'agent_status'>,
    action: () => AckExtras | Promise<AckExtras>,
  ): Promise<void> {
    try {
      const extra = await action();
      await this.communication.sendAck(envelope, { ok: true, ...extra });
    } catch (error) {
      const failure =
        error instanceof SwitchyardError
          ? { code: error.code, message: error.message, details: { ...error.details } }
          : { code: 'INTERNAL', message: String(error) };
      this.count(envelope.kind, error);
      this.warnings.warn('rejected an agent request', { kind: envelope.kind, from: envelope.from, code: failure.code });
      await this.communication.sendAck(envelope, { ok: false, error: failure });
    }
  }

  private waitFor(taskId: string, timeoutMs: number): Waiter {
    const waiter = new Waiter(taskId, this.waitTimeouts, false);
    this.waitTimeouts.start(waiter, timeoutMs);
    const waiting = this.waiters.get(taskId);
    if (waiting === undefined) this.waiters.set(taskId, waiter);
    else if (waiting instanceof Waiter) this.waiters.set(taskId, [waiting, waiter]);
    else waiting.push(waiter);
    return waiter;
  }

  /** A waiting caller hears the task's progress until its wait ends, however it ends. */
  private hearProgress(waiter: Waiter, listener: TaskProgressListener): void {
    const taskId = waiter.taskId;
    const callers = this.progressCallers.get(taskId);
    if (callers === undefined) this.progressCallers.set(taskId, [listener]);
    else callers.push(listener);
    const stop = (): void => {
      const current = this.progressCallers.get(taskId);
      if (current === undefined) return;
      const others = current.filter((each) => each !== listener);
      if (others.length === 0) this.progressCallers.delete(taskId);
      else this.progressCallers.set(taskId, others);
    };
    waiter.result.then(stop, stop);
    waiter.whenAbandoned = stop;
  }

  /**
   * task_progress: from the agent that holds the task's current attempt (session, sender, agent,
   * attempt and fence all checked), forwarded to whoever listens; anything else is dropped and
   * counted. No refusal is sent back: a report is advice, and the attempt's answer settles it.
   */
  private progressFromAgent(envelope: EnvelopeOf<'task_progress'>): void {
    const report = envelope.payload;
    try {
      this.checkSession(envelope, report.agentId, report.session);
    } catch (error) {
      this.dropProgress(error instanceof SwitchyardError ? error.code : 'INTERNAL');
      return;
    }
    const accepted = this.distributor.acceptProgress(report);
    if (accepted === undefined) return;
    if (typeof accepted === 'string') {
      this.dropProgress(accepted);
      return;
    }
    const callers = this.progressCallers.get(accepted.taskId);
    if (callers !== undefined) for (const listener of callers) this.tellProgress(listener, accepted);
    for (const listener of this.progressListeners) this.tellProgress(listener, accepted);
  }

  private dropProgress(code: string): void {
    this.droppedProgress.set(code, (this.droppedProgress.get(code) ?? 0) + 1);
  }

  private tellProgress(listener: TaskProgressListener, event: TaskProgressEvent): void {
    try {
      listener(event);
    } catch (error) {
      this.warnings.warn('a progress listener threw', { taskId: event.taskId, error: String(error) });
    }
  }

  /** This caller stops waiting (its promise is left unsettled, and nobody holds it). */
  private cancel(waiter: Waiter): void {
    this.waitTimeouts.cancel(waiter);
    waiter.whenAbandoned?.();
    if (waiter.onRecord) {
      this.distributor.unwatch(waiter.taskId, waiter);
      return;
    }
    const waiting = this.waiters.get(waiter.taskId);
    if (waiting === waiter) {
      this.waiters.delete(waiter.taskId);
    } else if (Array.isArray(waiting)) {
      const others = waiting.filter((each) => each !== waiter);
      this.waiters.set(waiter.taskId, others.length === 1 ? (others[0] as Waiter) : others);
    }
  }

  /** Every caller waiting for the task, now no longer waiting. */
  private takeWaiters(taskId: string): readonly Waiter[] | Waiter | undefined {
    const waiting = this.waiters.get(taskId);
    if (waiting !== undefined) this.waiters.delete(taskId);
    return waiting;
  }

  private failWaiters(taskId: string, error: Error): void {
    const waiting = this.takeWaiters(taskId);
    for (const waiter of waiting instanceof Waiter ? [waiting] : (waiting ?? [])) waiter.fail(error);
  }

  private wake(task: Task): void {
    const waiting = this.takeWaiters(task.id);
    if (waiting === undefined) return;
    if (waiting instanceof Waiter) {
      waiting.taskFinished(task);
      return;
    }
    for (const each of waiting) each.taskFinished(task);
  }
}

/** What an ok ack adds for the request it answers. */
interface AckExtras {
  readonly heartbeatIntervalMs?: number;
  readonly session?: string;
}

/** An agent's envelopes go to the orchestrator; one addressed elsewhere (another agent) is refused. */
function assertToOrchestrator(envelope: Envelope): void {
  if (envelope.to !== ORCHESTRATOR_ADDRESS)
    throw ValidationError.field(
      'to',
      `must be '${ORCHESTRATOR_ADDRESS}': an agent's envelopes are for the orchestrator`,
      envelope.kind,
    );
}

function sessionRefused(agentId: string): AuthorizationError {
  return new AuthorizationError(
    'SESSION_INVALID',
    `The envelope does not carry the session of agent '${agentId}''s registration: register again`,
    { agentId },
  );
}

/** The token an input carries, whatever the input is (callers from plain JavaScript pass anything). */
function tokenOf(input: unknown): unknown {
  return typeof input === 'object' && input !== null ? (input as { authToken?: unknown }).authToken : undefined;
}

/** The caller's view of a finished task; a failed or dead-lettered task becomes a TaskExecutionError. */
function toTaskResult(task: Task): TaskResult {
  if (task.status === 'cancelled') {
    throw new TaskExecutionError(
      'TASK_CANCELLED',
      `Task '${task.id}' was cancelled: ${task.error?.message ?? 'no reason given'}`,
      {
        taskId: task.id,
        agentId: task.assignedAgentId,
        error: task.error,
        attempt: task.attempts,
        history: task.history,
      },
    );
  }
  if (task.status !== 'completed') {
    const deadLettered = task.status === 'dead_lettered';
    const reason = task.error?.message ?? 'no reason given';
    throw new TaskExecutionError(
      deadLettered ? 'TASK_DEAD_LETTERED' : 'TASK_FAILED',
      deadLettered
        ? `Task '${task.id}' dead-lettered after ${String(task.attempts)} attempt(s); last error: ${reason}`
        : `Task '${task.id}' failed: ${reason}`,
      {
        taskId: task.id,
        agentId: task.assignedAgentId,
        error: task.error,
        attempt: task.attempts,
        history: task.history,
      },
    );
  }
  return {
    taskId: task.id,
    agentId: task.assignedAgentId ?? '',
    status: 'completed',
    result: task.result,
    error: null,
    durationMs: Math.max(0, (task.finishedAt ?? 0) - (task.assignedAt ?? 0)),
    attempt: task.attempts,
  };
}
