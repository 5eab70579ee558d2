import { inject, injectable, optional } from 'inversify';
import type { z } from 'zod';
import { CommunicationManager } from '../communication/communication-manager.js';
import { TOKENS } from '../di/tokens.js';
import type { CoreOptions } from '../engine/core-options.js';
import { AuthorizationError } from '../errors/authorization-error.js';
import { CommunicationError } from '../errors/communication-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import { TaskDistributionError } from '../errors/task-distribution-error.js';
import { TaskStateError } from '../errors/task-state-error.js';
import type { DistributionEvent, DistributionEventListener, QueueStats } from '../events/distribution-event.js';
import { AgentRegistrationSchema } from '../models/agent-registration.js';
import type { AgentRegistration } from '../models/agent-registration.js';
import type { AgentStatus } from '../models/agent-status.js';
import { AgentStatusUpdateSchema } from '../models/agent-status-update.js';
import type { AgentStatusUpdate } from '../models/agent-status-update.js';
import type { AgentSnapshot } from '../models/agent-view.js';
import type { Envelope, TaskProgressPayload } from '../models/envelope.js';
import type { TaskProgressEvent } from '../models/task-progress.js';
import { agentAddress } from '../models/addresses.js';
import { AgentIdSchema, TaskIdSchema } from '../models/identifiers.js';
import type { Task, TaskAttempt, TaskErrorInfo } from '../models/task.js';
import type { JournaledTask } from '../models/journaled-task.js';
import type { ParsedAgentRegistration } from '../models/agent-registration.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { TaskJournal } from '../ports/task-journal.js';
import type { TaskStore } from '../ports/task-store.js';
import { AgentBreaker } from '../registry/agent-breaker.js';
import type { AgentClaim } from '../registry/agent-claims.js';
import { AgentClaims } from '../registry/agent-claims.js';
import type { AgentRecord } from '../registry/agent-record.js';
import { AgentRegistry } from '../registry/agent-registry.js';
import type { CandidatePool } from '../registry/candidate-pool.js';
import type { OfferedCandidates } from '../registry/roomy-candidates.js';
import { capabilitySignature } from '../registry/capability-signature.js';
import { isDecline } from '../strategies/strategy-decline.js';
import type { StrategyServices } from '../strategies/strategy-services.js';
import type { RegisteredStrategy } from '../strategies/strategy-registry.js';
import { StrategyRegistry } from '../strategies/strategy-registry.js';
import { parseInput } from '../validation/parse-input.js';
import { DurableDistribution } from './durable-distribution.js';
import type { DurableHost } from './durable-distribution.js';
import { newFence } from './new-fence.js';
import { retryDelay } from './retry-delay.js';
import type {
  CreateTaskInput,
  DistributeTaskInput,
  ParsedDistributeTaskInput,
  ParsedTaskResponse,
  TaskAssignment,
  TaskResponseInput,
} from './task-inputs.js';
import { CreateTaskInputSchema, DistributeTaskInputSchema, TaskResponseInputSchema } from './task-inputs.js';
import { PRIORITY_RANKS, TaskQueue } from './task-queue.js';
import type { QueueGroup } from './task-queue.js';
import { BatchedTimeouts } from '../timers/batched-timeouts.js';
import type { TaskFinishWatcher } from './task-finish-watcher.js';
import { TaskRecord } from './task-record.js';
import type { ProgressDropCode } from './task-progress-intake.js';
import { journalProgress, progressDropCode, toProgressEvent } from './task-progress-intake.js';
import type { TaskLimits } from './task-record.js';

/** How many candidates a retry looks through for an agent that has not failed the task yet. */
const ALTERNATIVE_SEARCH_LIMIT = 32;

/** Pause before a task whose assignment could not be journaled is tried again. */
const UNWRITTEN_RETRY_MS = 250;

type AttemptEnd = Exclude<TaskAttempt['outcome'], 'running'>;

/** Answers by which an agent turns a hand-over down without starting it: not the task's fault, so not a failed attempt. */
const REFUSAL_CODES: ReadonlySet<string> = new Set(['AGENT_AT_CAPACITY', 'AGENT_NOT_ACCEPTING']);

/**
 * Registers agents, picks an agent for each task through its strategy, hands the task over and
 * books the answer. Tasks nobody can take right now wait in a priority queue; failed attempts
 * are retried with back-off, and the tasks of an agent that dies, leaves or goes offline are
 * redistributed at once. Every public method validates its input first and changes nothing
 * when it throws.
 */
@injectable()
export class TaskDistributor {
  private readonly listeners = new Set<DistributionEventListener>();
  /** The engine's waiters, told of every finished task without an event object (see onTaskFinished). */
  private finishedHook: ((task: Task) => void) | undefined;
  private readonly queue: TaskQueue;
  /** Tasks sleeping through a retry back-off, by priority rank (they count as queued). */
  private readonly retryWaiting = [0, 0, 0, 0];
  private pumping = false;
  private pumpAgain = false;
  private paused = false;
  /** Durable mode (a journal shared with other orchestrators); undefined: tasks live in this process. */
  private readonly durable: DurableDistribution | undefined;
  /** The limits of every task that overrides none: one shared object instead of one per task. */
  private readonly defaultLimits: TaskLimits;
  /** One live registration per agent id, and per-principal limits (registrations through the engine). */
  private readonly claims: AgentClaims;
  /** Quarantines agents whose tasks keep getting lost or timing out. */
  private readonly breaker: AgentBreaker;
  /** Attempt timeouts, batched: the per-task path sets one and clears one on every attempt. */
  private readonly attemptTimeouts = new BatchedTimeouts<TaskRecord>((task) => {
    this.attemptTimedOut(task, task.attempts);
  }, true);

  constructor(
    @inject(AgentRegistry) private readonly registry: AgentRegistry,
    @inject(StrategyRegistry) private readonly strategies: StrategyRegistry,
    @inject(CommunicationManager) private readonly communication: CommunicationManager,
    @inject(TOKENS.TaskStore) private readonly store: TaskStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.CoreOptions) private readonly options: CoreOptions,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.StrategyServices) private readonly services: Pick<StrategyServices, 'now' | 'random'>,
    @inject(TOKENS.TaskJournal) @optional() journal?: TaskJournal,
  ) {
    this.durable = journal === undefined ? undefined : new DurableDistribution(journal, this.durableHost(), logger);
    this.queue = new TaskQueue(options.tasks.queue.agingMs);
    const { tasks } = options;
    this.defaultLimits = {
      maxAttempts: tasks.retry.maxAttempts,
      attemptTimeoutMs: tasks.attemptTimeoutMs,
      queueTimeoutMs: tasks.queue.timeoutMs,
    };
    const agents = options.agents;
    this.claims = new AgentClaims(agents);
    this.breaker = new AgentBreaker({
      afterFailures: agents.quarantineAfterFailures,
      initialMs: agents.quarantineInitialMs,
      maxMs: agents.quarantineMaxMs,
    });
  }

  /** Listens to everything the distributor does; returns the way to stop listening. */
  onEvent(listener: DistributionEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * For the engine alone: called with every task that reaches a final state, before the
   * task_finished event. A direct call, so a task costs no event object when nobody else listens.
   */
  onTaskFinished(hook: (task: Task) => void): () => void {
    this.finishedHook = hook;
    return () => {
      if (this.finishedHook === hook) this.finishedHook = undefined;
    };
  }

  /** Stops handing tasks out (the orchestrator is stopping); queued tasks stay queued. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /**
   * `overTransport`: the agent joined through the transport and so must keep heartbeating.
   * `claim`: registered on a principal's behalf (the engine's transport and MCP paths), which
   * AgentClaims checks: one live registration per id, per-principal limits.
   */
  registerAgent(input: AgentRegistration, overTransport = false, claim?: AgentClaim): AgentSnapshot {
    const registration = parseInput(AgentRegistrationSchema, input, 'agent registration');
    if (claim !== undefined) this.checkClaim(registration, claim);
    // Other orchestrators learn transport agents from the journal (they reach every replica anyway),
    // with the session: a replica that never heard the registration accepts the agent's answers too.
    if (overTransport) this.durable?.agentJoined(claim === undefined ? registration : { ...registration, ...claim });
    return this.applyRegistration(registration, overTransport, claim);
  }

  /** The session the agent's transport registration was granted; undefined for an unknown agent or one registered otherwise. */
  sessionOf(agentId: string): string | undefined {
    return this.registry.get(agentId)?.session;
  }

  /** Whether the agent is registered here. */
  hasAgent(agentId: string): boolean {
    return this.registry.get(agentId) !== undefined;
  }

  private checkClaim(registration: ParsedAgentRegistration, claim: AgentClaim): void {
    const existing = this.registry.get(registration.agentId);
    const { heartbeatIntervalMs, missedHeartbeats } = this.options.agents;
    const goneAt = existing === undefined ? 0 : existing.lastSeenAt + heartbeatIntervalMs * missedHeartbeats;
    this.claims.check(existing, registration, claim, goneAt - this.clock.now());
  }

  private applyRegistration(
    registration: ParsedAgentRegistration,
    overTransport: boolean,
    claim?: AgentClaim,
  ): AgentSnapshot {
    const previous = this.registry.get(registration.agentId);
    const restarted =
      previous?.instanceId !== undefined &&
      registration.instanceId !== undefined &&
      previous.instanceId !== registration.instanceId;
    const { agent, created } = this.registry.register(registration, this.clock.now());
    agent.expectsHeartbeats = overTransport;
    agent.instanceId = registration.instanceId;
    agent.drainRequested = false;
    if (claim !== undefined) this.claims.grant(agent, claim);
    this.keepQuarantine(agent);
    this.logger.info(created ? 'agent registered' : 'agent re-registered', {
      agentId: agent.id,
      capabilities: [...agent.capabilities],
    });
    if (restarted) {
      this.redistributeAll(agent, {
        code: 'AGENT_RESTARTED',
        message: `agent '${agent.id}' restarted; its previous run's tasks are lost`,
      });
    }
    this.emit({ type: 'agent_registered', agent });
    this.pump();
    return agent.snapshot();
  }

  /** Removes an agent; the tasks it still held are redistributed at once. */
  unregisterAgent(agentId: string): AgentSnapshot {
    const id = parseInput(AgentIdSchema, agentId, 'agentId');
    const agent = this.registry.unregister(id);
    this.claims.release(agent);
    this.breaker.forget(agent);
    if (agent.expectsHeartbeats) this.durable?.agentLeft(id);
    this.redistributeAll(agent, { code: 'AGENT_UNREGISTERED', message: `agent '${id}' unregistered before answering` });
    this.logger.info('agent unregistered', { agentId: id });
    this.emit({ type: 'agent_unregistered', agent });
    this.pump();
    return agent.snapshot();
  }

  /**
   * Marks offline every heartbeating agent not heard from since `silentSince` and redistributes
   * the tasks it held. Returns the ids marked offline.
   */
  expireSilentAgents(silentSince: number): string[] {
    const expired: string[] = [];
    for (const agent of this.registry.all()) {
      if (!agent.expectsHeartbeats || agent.status === 'offline' || agent.lastSeenAt >= silentSince) continue;
      this.logger.warn('agent missed its heartbeats: marked offline', {
        agentId: agent.id,
        lastSeenAt: new Date(agent.lastSeenAt).toISOString(),
      });
      this.changeStatus(agent, 'offline', {
        code: 'AGENT_LOST',
        message: `agent '${agent.id}' stopped sending heartbeats`,
      });
      expired.push(agent.id);
    }
    this.pump();
    return expired;
  }

  /**
   * `fromAgent`: the agent's own report (a heartbeat). Its routine "online" does not lift a drain
   * an operator asked for; going offline redistributes what it held.
   */
  updateAgentStatus(input: AgentStatusUpdate, fromAgent = false): AgentSnapshot {
    const update = parseInput(AgentStatusUpdateSchema, input, 'agent status update');
    const agent = this.registry.require(update.agentId);
    agent.lastSeenAt = this.clock.now();
    let status = update.status ?? (update.isOnline === undefined ? undefined : update.isOnline ? 'online' : 'offline');
    if (
      fromAgent &&
      status === 'online' &&
      (agent.drainRequested || this.breaker.isQuarantined(agent, agent.lastSeenAt))
    )
      status = undefined;
    if (!fromAgent && status !== undefined) agent.drainRequested = status === 'draining';
    // The agent may not have seen tasks still on their way to it: never count fewer than we sent.
    if (update.currentLoad !== undefined) this.registry.setLoad(agent, Math.max(update.currentLoad, agent.held));
    if (update.stuckTasks !== undefined && update.stuckTasks !== agent.stuckTasks) {
      if (update.stuckTasks > agent.stuckTasks)
        this.logger.warn('agent reports handlers that ignored their cancellation (stuck)', {
          agentId: agent.id,
          stuckTasks: update.stuckTasks,
        });
      agent.stuckTasks = update.stuckTasks;
    }
    if (status !== undefined && status !== agent.status) {
      this.changeStatus(agent, status, { code: 'AGENT_OFFLINE', message: `agent '${agent.id}' went offline` });
    }
    this.pump();
    return agent.snapshot();
  }

  getAgent(agentId: string): AgentSnapshot {
    return this.registry.require(parseInput(AgentIdSchema, agentId, 'agentId')).snapshot();
  }

  listAgents(): AgentSnapshot[] {
    return Array.from(this.registry.all(), (agent) => agent.snapshot());
  }

  /** Stores a pending task for a later dispatchTask (the engine's createTask / executeTask). */
  createTask(input: CreateTaskInput): Task {
    const parsed = parseInput(CreateTaskInputSchema, input, 'task');
    const taskId = parsed.taskId ?? globalThis.crypto.randomUUID();
    this.assertNewTaskId(taskId);
    if (parsed.strategy !== undefined) this.strategies.resolve(parsed.strategy);
    const task = this.newTask(taskId, parsed);
    this.store.add(task);
    const ttlMs = this.options.tasks.pendingTtlMs;
    task.timer = unrefTimer(
      setTimeout(() => {
        this.pendingExpired(task, ttlMs);
      }, ttlMs),
    );
    return task.snapshot();
  }

  /** A created task nobody executed: it ends rather than being kept for ever. */
  private pendingExpired(task: TaskRecord, ttlMs: number): void {
    task.timer = undefined;
    if (task.status !== 'pending' || this.store.get(task.id) !== task) return;
    this.finish(task, 'failed', null, {
      code: 'PENDING_EXPIRED',
      message: `task '${task.id}' was created but not executed within ${String(ttlMs)} ms (tasks.pendingTtlMs)`,
    });
  }

  /**
   * Ends a task that has not finished: a waiting one leaves the queue, a running attempt ends and
   * its agent is told to stop (task_cancel). Callers waiting for the task get TASK_CANCELLED.
   */
  cancelTask(taskId: string, reason: string): Task {
    const task = this.requireTask(taskId);
    if (task.isFinished) {
      throw new TaskStateError('TASK_ALREADY_FINISHED', `Task '${task.id}' already ${task.status}`, {
        taskId: task.id,
        status: task.status,
      });
    }
    const error = { code: 'TASK_CANCELLED', message: reason };
    if (task.status === 'queued' && !this.queue.remove(task) && task.retryAt !== null) {
      // Sleeping through a retry back-off: its timer (stopped by finish) would have uncounted it.
      const rank = PRIORITY_RANKS.indexOf(task.priority);
      this.retryWaiting[rank] = (this.retryWaiting[rank] ?? 1) - 1;
    }
    let now: number | undefined;
    if (task.status === 'assigned' && task.assignedAgentId !== null) {
      const agentId = task.assignedAgentId;
      const attempt = task.attempts;
      now = this.endAttempt(task, task.heldBy, 'cancelled', error);
      this.tellAgentToStop(task.id, agentId, attempt, error);
    }
    this.finish(task, 'cancelled', null, error, now);
    this.pump();
    return task.snapshot();
  }

  /**
   * cancelTask for the engine: in durable mode a task this orchestrator does not hold (another
   * orchestrator runs it, or nobody has taken it yet) is cancelled through the journal.
   */
  async cancelAnywhere(taskId: string, reason: string): Promise<Task> {
    const id = parseInput(TaskIdSchema, taskId, 'taskId');
    if (this.durable === undefined) return this.cancelTask(id, reason);
    if (this.store.get(id) !== undefined) {
      const cancelled = this.cancelTask(id, reason);
      // Another orchestrator may have written a final state first (it took the task over): that one stands.
      if (await this.durable.settled(id)) return cancelled;
      const stored = await this.durable.read(id);
      throw new TaskStateError(
        'TASK_ALREADY_FINISHED',
        `Task '${id}' already ${stored?.status ?? 'finished'} on another orchestrator`,
        { taskId: id, status: stored?.status },
      );
    }
    const cancelled = await this.durable.cancel(id, { code: 'TASK_CANCELLED', message: reason }, () =>
      this.clock.now(),
    );
    // Kept here as finished, so this orchestrator lists what it cancelled (unless it took the task meanwhile).
    if (this.store.get(id) === undefined) {
      this.store.add(cancelled);
      this.store.finished(cancelled);
    }
    // Written here: counted and announced here (the owner hears it as finished elsewhere).
    this.emit({
      type: 'task_finished',
      task: cancelled,
      latencyMs: Math.max(0, (cancelled.finishedAt ?? cancelled.createdAt) - cancelled.createdAt),
    });
    return cancelled.snapshot();
  }

  /**
   * Creates a task and hands it to an agent, or queues it when capable agents exist but none is
   * free. Refused (and not kept) when no agent has the capabilities or the queue is full.
   */
  distributeTask(input: DistributeTaskInput): Promise<TaskAssignment> {
    try {
      return this.distributeParsed(parseInput(DistributeTaskInputSchema, input, 'task'));
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /** For input already validated (the engine's, by DistributeTaskRequestSchema). */
  distributeParsed(parsed: ParsedDistributeTaskInput): Promise<TaskAssignment> {
    // Not async: the hand-over's own promise is the answer, without wrapping it in another one per task.
    try {
      this.assertNewTaskId(parsed.taskId);
      const task = this.newTask(parsed.taskId, parsed);
      return this.durable === undefined ? this.admit(task, true) : this.submitDurably(task, this.durable, true);
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /**
   * For a caller that learns the outcome from the finished task (the engine's runTask): hands a
   * validated new task over or queues it, building no assignment. A refusal known at once (an id
   * in use, nobody capable, the queue full, an unknown strategy) throws, before the caller starts
   * waiting. Returns a promise only in durable mode, where the journal has the last word on
   * acceptance; everything after acceptance (a failed delivery included) reaches the finished task.
   * `watcher` (not in durable mode, where another orchestrator may finish the task) is told
   * when the task finishes, through the record itself.
   */
  launch(parsed: ParsedDistributeTaskInput, watcher?: TaskFinishWatcher): Promise<unknown> | undefined {
    this.assertNewTaskId(parsed.taskId);
    const task = this.newTask(parsed.taskId, parsed);
    if (this.durable !== undefined) return this.submitDurably(task, this.durable, true);
    task.finishWatcher = watcher;
    const strategy = this.strategyFor(task);
    const started = this.decisionStart();
    const agent = this.chooseOrQueue(task, true, strategy);
    if (agent !== undefined) {
      this.book(task, agent, strategy, this.decisionTime(started), task.createdAt);
      this.sendQuietly(task, agent);
    }
    return undefined;
  }

  /** With a journal, tasks may run and finish on other orchestrators too. */
  get isDurable(): boolean {
    return this.durable !== undefined;
  }

  /** Forgets the watcher of a task that has not finished yet (its caller gave up waiting). */
  unwatch(taskId: string, watcher: TaskFinishWatcher): void {
    const task = this.store.get(taskId);
    if (task?.finishWatcher === watcher) task.finishWatcher = undefined;
  }

  /** Forgets every watcher of unfinished tasks and returns them (the engine is stopping and tells them so). */
  releaseWatchers(): TaskFinishWatcher[] {
    const released: TaskFinishWatcher[] = [];
    for (const task of this.store.list()) {
      if (task.finishWatcher === undefined) continue;
      released.push(task.finishWatcher);
      task.finishWatcher = undefined;
    }
    return released;
  }

  /** Hands a pending task to an agent, or queues it (see distributeTask). */
  dispatchTask(taskId: string): Promise<TaskAssignment> {
    try {
      const task = this.requireTask(taskId);
      if (task.status !== 'pending') {
        throw new TaskStateError('TASK_NOT_PENDING', `Task '${task.id}' is ${task.status}, not pending`, {
          taskId: task.id,
          status: task.status,
        });
      }
      this.stopTimers(task);
      if (this.durable !== undefined) return this.submitDurably(task, this.durable, false);
      try {
        return this.admit(task, false);
      } catch (error) {
        this.refusedAtDispatch(task, error);
        throw error;
      }
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  /** A call that throws keeps nothing: a refused task is dropped, one whose strategy broke fails with that error. */
  private refusedAtDispatch(task: TaskRecord, error: unknown): void {
    if (task.status !== 'pending') return;
    if (
      error instanceof TaskDistributionError &&
      (error.code === 'STRATEGY_FAILED' || error.code === 'STRATEGY_INVALID_CHOICE')
    )
      this.finish(task, 'failed', null, errorInfo(error));
    else this.store.remove(task.id);
  }

  /**
   * An answer from the transport. In durable mode an answer for a task another orchestrator
   * holds goes to the journal, where that one hears of it at once (and a later owner finds it).
   */
  acceptAgentAnswer(response: ParsedTaskResponse): void {
    if (this.durable?.answerForAnotherOwner(response) === true) return;
    this.applyTaskResponse(response);
  }

  /**
   * A progress report from the transport, its session checked: the task's new last progress
   * when it comes from the holder of the current attempt, else why it was dropped. A task
   * another orchestrator holds (durable mode) is that one's to hear: undefined, nothing to count.
   */
  acceptProgress(report: TaskProgressPayload): TaskProgressEvent | ProgressDropCode | undefined {
    const task = this.store.get(report.taskId);
    if (task === undefined) return this.durable === undefined ? 'TASK_NOT_FOUND' : undefined;
    const dropped = progressDropCode(task, report);
    if (dropped !== null) return dropped;
    task.progress = toProgressEvent(report, this.clock.now());
    if (this.durable !== undefined)
      journalProgress(
        task,
        this.clock,
        this.persistProgress,
        (held) => this.store.get(held.id) === held && !held.isFinished,
      );
    return task.progress;
  }

  private readonly persistProgress = (task: TaskRecord): void => {
    this.persist(task);
  };

  /** Books an agent's answer. Only the assigned agent may answer, and only the current attempt. */
  handleTaskResponse(input: TaskResponseInput): Task {
    return this.applyTaskResponse(parseInput(TaskResponseInputSchema, input, 'task response')).snapshot();
  }

  /** For answers already validated (by the envelope schema); returns the live record. */
  applyTaskResponse(response: ParsedTaskResponse): TaskRecord {
    // The id was checked with the rest of the answer: looked up, not parsed again.
    const task = this.store.get(response.taskId);
    if (task === undefined) throw NotFoundError.task(response.taskId);
    if (task.isFinished) {
      throw new TaskStateError('TASK_ALREADY_FINISHED', `Task '${task.id}' already ${task.status}`, {
        taskId: task.id,
        status: task.status,
      });
    }
    if (task.status !== 'assigned' || task.assignedAgentId === null) {
      throw new TaskStateError('TASK_NOT_ASSIGNED', `Task '${task.id}' is not assigned to any agent`, {
        taskId: task.id,
      });
    }
    if (task.assignedAgentId !== response.agentId) {
      throw new AuthorizationError(
        'NOT_ASSIGNED_AGENT',
        `Task '${task.id}' is not assigned to agent '${response.agentId}'`,
        {
          taskId: task.id,
          agentId: response.agentId,
        },
      );
    }
    if (response.attempt !== undefined && response.attempt !== task.attempts) {
      throw new TaskStateError(
        'STALE_ATTEMPT',
        `Answer for attempt ${String(response.attempt)} of task '${task.id}', which is on attempt ${String(task.attempts)}`,
        {
          taskId: task.id,
          attempt: response.attempt,
          currentAttempt: task.attempts,
        },
      );
    }
    if (response.fence !== undefined && response.fence !== task.fence) {
      throw new TaskStateError('STALE_ATTEMPT', `Answer for task '${task.id}' carries the fence of another attempt`, {
        taskId: task.id,
        attempt: task.attempts,
      });
    }
    // The agent holding the task is the one answering (checked above): no lookup by a new id string.
    const agent = task.heldBy?.id === response.agentId ? task.heldBy : this.registry.get(response.agentId);
    if (response.status === 'completed') {
      this.finish(task, 'completed', response.result ?? null, null, this.endAttempt(task, agent, 'completed', null));
    } else {
      const error = response.error ?? { message: 'failed without a reason' };
      if (error.code !== undefined && REFUSAL_CODES.has(error.code)) {
        this.refused(task, agent, error);
      } else if (error.permanent === true) {
        this.finish(task, 'failed', null, error, this.endAttempt(task, agent, 'failed', error));
      } else {
        this.attemptFailed(task, agent, 'failed', error);
      }
    }
    this.pump();
    return task;
  }

  /**
   * The agent turned the hand-over down without starting it: the task goes back to the queue,
   * counting against maxRedistributions, not maxAttempts. This orchestrator's view of the agent
   * was wrong (another orchestrator filled it, or it is not online yet): a heartbeating agent is
   * taken as full, or as not accepting, until its next report says otherwise (one without
   * heartbeats would never say so, and is only sent its tasks again).
   */
  private refused(task: TaskRecord, agent: AgentRecord | undefined, error: TaskErrorInfo): void {
    this.redistribute(task, agent, 'refused', error);
    if (agent === undefined || !agent.expectsHeartbeats || this.registry.get(agent.id) !== agent) return;
    if (error.code === 'AGENT_AT_CAPACITY' && Number.isFinite(agent.capacity)) {
      this.registry.setLoad(agent, Math.max(agent.load, agent.capacity));
    } else if (agent.status === 'online') {
      this.registry.setStatus(agent, 'draining');
      this.emit({ type: 'agent_status_changed', agent });
    }
  }

  getTask(taskId: string): Task {
    return this.requireTask(taskId).snapshot();
  }

  /** This orchestrator's view, or (durable mode) the journal's for tasks another orchestrator runs. */
  async readTask(taskId: string): Promise<Task> {
    const id = parseInput(TaskIdSchema, taskId, 'taskId');
    const local = this.store.get(id);
    if (local !== undefined || this.durable === undefined) return this.requireTask(id).snapshot();
    const stored = await this.durable.read(id);
    if (stored === undefined) throw NotFoundError.task(id);
    return TaskRecord.fromJournal(stored).snapshot();
  }

  /** Starts taking tasks from the durable journal (nothing to do without one). */
  async startJournal(): Promise<void> {
    await this.durable?.start(
      [...this.registry.all()]
        .filter((agent) => agent.expectsHeartbeats)
        .map((agent) => ({
          agentId: agent.id,
          capabilities: [...agent.capabilities],
          priority: agent.priority,
          ...(Number.isFinite(agent.capacity) ? { capacity: agent.capacity } : {}),
          metadata: { ...agent.metadata },
          ...(agent.instanceId === undefined ? {} : { instanceId: agent.instanceId }),
          // The claim too: a replica that never heard the registration accepts the agent's envelopes.
          ...(agent.owner === undefined ? {} : { owner: agent.owner }),
          ...(agent.session === undefined ? {} : { session: agent.session }),
        })),
    );
  }

  async stopJournal(): Promise<void> {
    await this.durable?.stop();
  }

  listTasks(filter?: {
    readonly status?: Task['status'];
    readonly limit?: number;
    readonly order?: 'oldest' | 'newest';
    readonly after?: string;
    readonly agentId?: string;
  }): Task[] {
    return this.store.list(filter).map((task) => task.snapshot());
  }

  queueStats(): QueueStats {
    const byPriority = { low: 0, normal: 0, high: 0, critical: 0 };
    PRIORITY_RANKS.forEach((priority, rank) => {
      byPriority[priority] = this.queue.countOf(priority) + (this.retryWaiting[rank] ?? 0);
    });
    const oldest = this.queue.oldestQueuedAt();
    return {
      depth: this.waitingCount(),
      byPriority,
      oldestWaitMs: oldest === null ? 0 : Math.max(0, this.clock.now() - oldest),
      maxLength: this.options.tasks.queue.maxLength,
    };
  }

  /** Sends the task to a free capable agent, or queues it; throws (keeping nothing new) when neither can be. */
  private admit(task: TaskRecord, isNew: boolean): Promise<TaskAssignment> {
    const strategy = this.strategyFor(task);
    const started = this.decisionStart();
    const agent = this.chooseOrQueue(task, isNew, strategy);
    if (agent === undefined) {
      return Promise.resolve(this.queuedAssignment(task));
    }
    return this.handOver(task, agent, strategy, this.decisionTime(started), isNew ? task.createdAt : undefined);
  }

  /**
   * The free capable agent the strategy picks for the task; undefined when the task was queued
   * instead. Throws, keeping nothing new, when it may not wait. A new task is kept either way.
   */
  private chooseOrQueue(task: TaskRecord, isNew: boolean, strategy: RegisteredStrategy): AgentRecord | undefined {
    const pool = this.registry.candidates(task.requiredCapabilities);
    const agent = pool.size === 0 ? undefined : this.choose(task, strategy, pool);
    if (agent === undefined) this.assertMayWait(task, pool);
    if (isNew) this.store.add(task);
    if (agent === undefined) this.enqueue(task, 'capacity');
    return agent;
  }

  /** The decision's start, read only when somebody listens for task_assigned (the only reader of decisionMs). */
  private decisionStart(): number {
    return this.listeners.size > 0 ? globalThis.performance.now() : 0;
  }

  /** 0 when nobody listened at the start (a listener added meanwhile gets 0, not the time since startup). */
  private decisionTime(started: number): number {
    return started > 0 ? globalThis.performance.now() - started : 0;
  }

  /** Refuses a task no registered agent could ever run, or one the full queue has no room for. */
  private assertMayWait(task: TaskRecord, pool: CandidatePool): void {
    if (pool.size === 0 && this.registry.shortfall(task.requiredCapabilities).capableAgents === 0)
      throw this.noCapableAgentError(task);
    if (task.weight > 1 && !this.someCapableAgentHolds(task.weight, pool)) throw this.tooHeavyError(task, pool);
    if (this.waitingCount() >= this.options.tasks.queue.maxLength) throw this.queueFullError(task);
  }

  /**
   * Durable mode: the task goes to the shared work queue and runs on whichever orchestrator takes
   * it. Refused, keeping nothing, when nobody has the capabilities or the queue is full.
   */
  private async submitDurably(task: TaskRecord, durable: DurableDistribution, isNew: boolean): Promise<TaskAssignment> {
    this.assertMayWait(task, this.registry.candidates(task.requiredCapabilities));
    // Whoever adopts it keeps the record from here on (possibly this orchestrator, possibly before submit resolves).
    if (!isNew) this.store.remove(task.id);
    try {
      return await durable.submit(task, isNew, this.clock.now());
    } catch (error) {
      if (!isNew && this.store.get(task.id) === undefined) this.store.add(task);
      throw error;
    }
  }

  /** The distributor's side of durable mode: local bookkeeping DurableDistribution asks for. */
  private durableHost(): DurableHost {
    return {
      local: (taskId) => this.store.get(taskId),
      resume: (task) => {
        this.resumeAdopted(task);
      },
      forget: (task) => {
        this.dropLocal(task);
        this.pump();
      },
      finishedElsewhere: (entry) => {
        this.settledElsewhere(entry);
      },
      announceFinished: (task) => {
        this.emit({
          type: 'task_finished',
          task,
          latencyMs: Math.max(0, (task.finishedAt ?? task.createdAt) - task.createdAt),
        });
      },
      applyAnswer: (answer) => {
        this.applyTaskResponse(answer);
      },
      assignmentUnwritten: (task, error) => {
        const agent = task.heldBy;
        this.endAttempt(task, agent, 'not_delivered', errorInfo(error));
        task.attempts--;
        task.dropLastAttempt();
        this.sleepThenRequeue(task, UNWRITTEN_RETRY_MS);
      },
      agentRegistered: (journaled) => {
        const { owner, session, ...registration } = journaled;
        const known = this.registry.get(registration.agentId);
        if (known !== undefined && known.instanceId === registration.instanceId && known.session === session) return;
        this.applyRegistration(
          registration,
          true,
          owner === undefined ? undefined : { owner, ...(session === undefined ? {} : { session }) },
        );
      },
      agentUnregistered: (agentId) => {
        if (this.registry.get(agentId) !== undefined) this.unregisterAgent(agentId);
      },
      waitingCount: () => this.waitingCount(),
    };
  }

  /**
   * A task this orchestrator now runs. An attempt another orchestrator left open resumes if its
   * agent is still here, and is sent again at once with the same attempt and fence: the first
   * owner may have died between writing the assignment and sending it, and an agent that has it
   * already ignores the copy.
   */
  private resumeAdopted(task: TaskRecord): void {
    const held = this.store.get(task.id);
    if (held !== undefined) this.dropLocal(held);
    this.store.add(task);
    const agent = task.assignedAgentId === null ? undefined : this.registry.get(task.assignedAgentId);
    if (task.status === 'assigned' && task.fence !== '' && agent !== undefined && agent.status !== 'offline') {
      this.hold(task, agent);
      this.registry.setLoad(agent, agent.load + task.weight);
      const remainingMs = Math.max(0, (task.assignedAt ?? 0) + task.limits.attemptTimeoutMs - this.clock.now());
      const attempt = task.attempts;
      task.timer = unrefTimer(
        setTimeout(() => {
          this.attemptTimedOut(task, attempt);
        }, remainingMs),
      );
      this.sendQuietly(task, agent);
      return;
    }
    if (task.status === 'assigned') {
      this.redistribute(task, agent, 'agent_lost', {
        code: 'ORCHESTRATOR_LOST',
        message: `the orchestrator that assigned attempt ${String(task.attempts)} stopped; its agent is gone too`,
      });
    } else {
      task.status = 'pending';
      this.place(task);
    }
    this.pump();
  }

  /** Forgets a task here without sending or booking anything: timers, queue place and the agent's slot go. */
  private dropLocal(task: TaskRecord): void {
    if (task.status === 'queued' && task.retryAt !== null && task.timer !== undefined) {
      const rank = PRIORITY_RANKS.indexOf(task.priority);
      this.retryWaiting[rank] = (this.retryWaiting[rank] ?? 1) - 1;
    }
    this.stopTimers(task);
    this.queue.remove(task);
    const agent = task.heldBy;
    if (agent !== undefined && this.release(task, agent)) this.registry.setLoad(agent, agent.load - task.weight);
    if (this.store.get(task.id) === task) this.store.remove(task.id);
  }

  /** Sends a task this orchestrator holds to a free capable agent, or queues it. */
  private place(task: TaskRecord): void {
    const strategy = this.strategyFor(task);
    const started = this.decisionStart();
    const pool = this.registry.candidates(task.requiredCapabilities);
    let agent: AgentRecord | undefined;
    try {
      agent = pool.size === 0 ? undefined : this.choose(task, strategy, pool);
    } catch (error) {
      this.finish(task, 'failed', null, errorInfo(error));
      return;
    }
    if (agent === undefined) {
      this.enqueue(task, 'capacity');
      return;
    }
    this.handOver(task, agent, strategy, this.decisionTime(started)).catch((error: unknown) => {
      this.logger.error('handing an adopted task over failed unexpectedly', { taskId: task.id, error: String(error) });
    });
  }

  /** Some orchestrator wrote a final state: wake callers here, and drop a stale copy this one may hold. */
  private settledElsewhere(entry: JournaledTask): void {
    const local = this.store.get(entry.id);
    // Written here: announced when the write came back (a cancellation of a task held elsewhere holds no copy here).
    if (local?.isFinished !== false && entry.writtenBy === this.durable?.orchestratorId) return;
    if (local !== undefined) {
      this.stopAbandonedAttempt(local, entry);
      this.dropLocal(local);
    }
    const settled = TaskRecord.fromJournal(entry);
    this.emit({
      type: 'task_finished',
      task: settled,
      latencyMs: Math.max(0, (settled.finishedAt ?? settled.createdAt) - settled.createdAt),
      elsewhere: true,
    });
    this.pump();
  }

  /**
   * The task finished on another orchestrator (cancelled there, or a later attempt answered)
   * while this one still had an attempt out: its agent should stop. Not when the final state
   * is that very attempt's answer.
   */
  private stopAbandonedAttempt(local: TaskRecord, entry: JournaledTask): void {
    if (local.status !== 'assigned' || local.assignedAgentId === null) return;
    if (entry.status !== 'cancelled' && entry.fence === local.fence && entry.assignedAgentId === local.assignedAgentId)
      return;
    const reason =
      entry.status === 'cancelled'
        ? { code: 'TASK_CANCELLED', message: entry.error?.message ?? 'cancelled' }
        : {
            code: 'TASK_FINISHED_ELSEWHERE',
            message: `task '${entry.id}' ${entry.status} on orchestrator '${entry.writtenBy}'`,
          };
    this.tellAgentToStop(local.id, local.assignedAgentId, local.attempts, reason);
  }

  /** Dispatches queued tasks while capable agents are free, best effective priority first. */
  private pump(): void {
    if (this.paused || this.queue.size === 0) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.pumpAgain = false;
    try {
      do this.dispatchWaiting();
      while (this.takePumpRequest());
    } finally {
      this.pumping = false;
    }
  }

  /** Whether something asked for a pump while one was running (and clears the request). */
  private takePumpRequest(): boolean {
    const requested = this.pumpAgain;
    this.pumpAgain = false;
    return requested;
  }

  private dispatchWaiting(): void {
    // Groups whose strategy chose nobody wait for the next change instead of spinning.
    let declined: Set<QueueGroup> | undefined;
    while (this.queue.size > 0 && !this.paused) {
      const now = this.clock.now();
      const started = this.decisionStart();
      let best: { task: TaskRecord; rank: number; pool: CandidatePool; group: QueueGroup } | undefined;
      for (const group of this.queue.waitingGroups()) {
        if (declined?.has(group) === true) continue;
        const pool = this.registry.candidates(group.requiredCapabilities);
        if (pool.size === 0) continue;
        const next = group.next(now, this.queue.agingMs);
        if (next !== undefined && (best === undefined || next.rank > best.rank)) best = { ...next, pool, group };
      }
      if (best === undefined) return;
      const { task, pool, group } = best;
      const strategy = this.strategyFor(task);
      let agent: AgentRecord | undefined;
      try {
        agent = this.choose(task, strategy, pool);
      } catch (error) {
        this.queue.remove(task);
        this.finish(task, 'failed', null, errorInfo(error));
        continue;
      }
      if (agent === undefined) {
        declined ??= new Set();
        declined.add(group);
        continue;
      }
      this.queue.remove(task);
      this.handOver(task, agent, strategy, this.decisionTime(started)).catch((error: unknown) => {
        this.logger.error('handing a queued task over failed unexpectedly', { taskId: task.id, error: String(error) });
      });
    }
  }

  private enqueue(task: TaskRecord, reason: 'capacity' | 'retry'): void {
    const now = this.clock.now();
    const signature = capabilitySignature(task.requiredCapabilities);
    task.status = 'queued';
    task.assignedAgentId = null;
    task.assignedAt = null;
    task.assignedBy = null;
    task.assignedStrategy = null;
    task.retryAt = null;
    task.queuedAt = now;
    this.queue.add(task, signature.key, signature.capabilities);
    if (reason === 'retry') this.persist(task);
    const queueTimeoutMs = task.limits.queueTimeoutMs;
    if (queueTimeoutMs !== null) {
      task.timer = unrefTimer(
        setTimeout(() => {
          this.queueTimedOut(task);
        }, queueTimeoutMs),
      );
    }
    this.emit({ type: 'task_queued', task, reason, queueDepth: this.waitingCount() });
  }

  private queueTimedOut(task: TaskRecord): void {
    if (!this.queue.remove(task)) return;
    task.timer = undefined;
    const waitedMs = this.clock.now() - (task.queuedAt ?? task.createdAt);
    const declined = task.declinedBecause === null ? '' : `; ${task.declinedBecause}`;
    this.finish(task, 'failed', null, {
      code: 'QUEUE_TIMEOUT',
      message: `no capable agent was free for ${String(waitedMs)} ms${declined}`,
    });
  }

  /**
   * Runs the strategy; undefined when it declines. A retry prefers an agent that has not failed the
   * task. A task heavier than one unit is offered only the candidates with room for its weight.
   */
  private choose(task: TaskRecord, strategy: RegisteredStrategy, pool: CandidatePool): AgentRecord | undefined {
    let offered: OfferedCandidates = pool;
    if (task.weight !== 1) {
      offered = pool.withRoomFor(task.weight);
      if (offered.size === 0) {
        task.declinedBecause = `no capable agent has ${String(task.weight)} free units of capacity (the task's weight)`;
        return undefined;
      }
    }
    let chosen: ReturnType<typeof strategy.strategy.select>;
    try {
      chosen = strategy.strategy.select(offered, task);
    } catch (error) {
      throw new TaskDistributionError(
        'STRATEGY_FAILED',
        `Strategy '${strategy.name}' threw while choosing an agent for task '${task.id}': ${asError(error).message}`,
        {
          taskId: task.id,
          requiredCapabilities: task.requiredCapabilities,
          strategy: strategy.name,
        },
      );
    }
    if (chosen === undefined) return undefined;
    if (isDecline(chosen)) {
      task.declinedBecause = `strategy '${strategy.name}' declined it: ${chosen.reason}`;
      strategy.logger.debug('declined a task', { taskId: task.id, reason: chosen.reason });
      return undefined;
    }
    const agent = offered.availableRecord(chosen);
    if (agent === undefined) {
      throw new TaskDistributionError(
        'STRATEGY_INVALID_CHOICE',
        `Strategy '${strategy.name}' chose ${describeChoice(chosen)}, which is not an available candidate for task '${task.id}'`,
        { taskId: task.id, requiredCapabilities: task.requiredCapabilities, strategy: strategy.name },
      );
    }
    if (task.failures === 0 || !task.failedOn(agent.id)) return agent;
    return this.alternativeTo(task, offered) ?? agent;
  }

  /** The least loaded of the first few candidates that have not failed this task. */
  private alternativeTo(task: TaskRecord, pool: OfferedCandidates): AgentRecord | undefined {
    let best: AgentRecord | undefined;
    let looked = 0;
    for (const candidate of pool) {
      if (++looked > ALTERNATIVE_SEARCH_LIMIT) break;
      if (task.failedOn(candidate.id)) continue;
      const record = pool.availableRecord(candidate);
      if (record !== undefined && (best === undefined || record.load / record.capacity < best.load / best.capacity))
        best = record;
    }
    return best;
  }

  /** `now`: the caller's clock reading, when it just took one (a task created in the same call). */
  private handOver(
    task: TaskRecord,
    agent: AgentRecord,
    strategy: RegisteredStrategy,
    decisionMs: number,
    now?: number,
  ): Promise<TaskAssignment> {
    const attempt = this.book(task, agent, strategy, decisionMs, now ?? this.clock.now());
    // Without a journal no await is needed before the send: no async function, one promise less per task.
    return this.durable === undefined
      ? this.send(task, agent, strategy, attempt)
      : this.claimThenSend(task, agent, strategy, attempt, this.durable);
  }

  private async claimThenSend(
    task: TaskRecord,
    agent: AgentRecord,
    strategy: RegisteredStrategy,
    attempt: number,
    durable: DurableDistribution,
  ): Promise<TaskAssignment> {
    if (!(await durable.claim(task, attempt))) {
      return this.queuedAssignment(task);
    }
    return this.send(task, agent, strategy, attempt);
  }

  /** What a caller learns of a task that waits in the queue. */
  private queuedAssignment(task: TaskRecord): TaskAssignment {
    return {
      taskId: task.id,
      status: 'queued',
      agentId: null,
      strategy: null,
      attempt: task.attempts,
      queueDepth: this.waitingCount(),
    };
  }

  private send(
    task: TaskRecord,
    agent: AgentRecord,
    strategy: RegisteredStrategy,
    attempt: number,
  ): Promise<TaskAssignment> {
    let sent: Promise<void>;
    try {
      sent = this.communication.sendTaskRequest(agent.address, task);
    } catch (error) {
      sent = Promise.reject(asError(error));
    }
    return sent.then(
      (): TaskAssignment => ({
        taskId: task.id,
        status: 'assigned',
        agentId: agent.id,
        strategy: strategy.name,
        attempt,
      }),
      (error: unknown): TaskAssignment => {
        this.notDelivered(task, agent, attempt, error);
        // Where the task stands now: queued, or already handed to another agent.
        if (task.status === 'queued') return this.queuedAssignment(task);
        if (task.status !== 'assigned' || task.assignedAgentId === null || task.assignedBy === null) throw error;
        return {
          taskId: task.id,
          status: 'assigned',
          agentId: task.assignedAgentId,
          strategy: task.assignedBy,
          attempt: task.attempts,
        };
      },
    );
  }

  /** send for a caller that wants no assignment: a failed delivery is dealt with all the same, nothing else is built. */
  private sendQuietly(task: TaskRecord, agent: AgentRecord): void {
    this.communication.sendTaskRequestDetached(agent.address, task, this.taskRequestUndelivered);
  }

  /**
   * One handler for every task request the transport could not deliver (no closure, no promise
   * per task): the envelope names the task and the attempt, and the task its agent.
   */
  private readonly taskRequestUndelivered = (envelope: Envelope, error: Error): void => {
    if (envelope.kind !== 'task_request') return;
    const task = this.store.get(envelope.payload.taskId);
    const agent = task?.heldBy;
    // The record may by now be another task with the same id, held by another agent.
    if (task === undefined || agent === undefined || agent.address !== envelope.to) return;
    try {
      this.notDelivered(task, agent, envelope.payload.attempt, error);
    } catch (failure) {
      this.logger.error('dealing with an undelivered task failed unexpectedly', {
        taskId: task.id,
        error: String(failure),
      });
    }
  };

  /** The synchronous half of a hand-over: from here on the agent counts the task as its own. */
  private book(
    task: TaskRecord,
    agent: AgentRecord,
    strategy: RegisteredStrategy,
    decisionMs: number,
    now: number,
  ): number {
    this.stopTimers(task);
    task.attempts++;
    const attempt = task.attempts;
    task.fence = newFence();
    task.status = 'assigned';
    task.assignedAgentId = agent.id;
    task.assignedAt = now;
    task.assignedBy = strategy.name;
    task.assignedStrategy = strategy;
    task.declinedBecause = null;
    task.retryAt = null;
    task.openAttempt(attempt, agent.id, now);
    this.hold(task, agent);
    this.registry.setLoad(agent, agent.load + task.weight);
    // Most strategies have no hook: no closure per task for them.
    if (strategy.strategy.onAssigned !== undefined)
      this.notify(() => strategy.strategy.onAssigned?.(agent.view, task), strategy);
    this.attemptTimeouts.start(task, task.limits.attemptTimeoutMs);
    if (this.listeners.size > 0)
      this.emit({ type: 'task_assigned', task, agentId: agent.id, strategy: strategy.name, attempt, decisionMs });
    return attempt;
  }

  /** The task never reached the agent: an unreachable agent counts as lost, and the task goes elsewhere. */
  private notDelivered(task: TaskRecord, agent: AgentRecord, attempt: number, error: unknown): void {
    if (!isCurrentAttempt(task, agent.id, attempt)) return;
    const info = errorInfo(error);
    if (
      error instanceof CommunicationError &&
      error.code === 'UNKNOWN_ADDRESS' &&
      this.registry.get(agent.id) === agent
    ) {
      this.logger.warn('agent unreachable: marked offline', { agentId: agent.id, taskId: task.id });
      this.changeStatus(agent, 'offline', info);
    } else if (error instanceof CommunicationError && error.code === 'TRANSPORT_CLOSED') {
      // We are stopping, not the agent failing: the task waits, uncounted, for the next start.
      this.endAttempt(task, agent, 'not_delivered', info);
      this.enqueue(task, 'capacity');
    } else {
      this.redistribute(task, agent, 'not_delivered', info);
    }
    this.pump();
  }

  /** Whatever timer the task has running: an attempt timeout, a retry back-off, a queue timeout. */
  private stopTimers(task: TaskRecord): void {
    clearTimeout(task.timer);
    task.timer = undefined;
    this.attemptTimeouts.cancel(task);
  }

  private attemptTimedOut(task: TaskRecord, attempt: number): void {
    if (task.status !== 'assigned' || task.attempts !== attempt) return;
    task.timer = undefined;
    const agentId = task.assignedAgentId ?? '';
    const agent = this.registry.get(agentId);
    const error = {
      code: 'ATTEMPT_TIMEOUT',
      message: `agent '${agentId}' did not answer attempt ${String(attempt)} within ${String(task.limits.attemptTimeoutMs)} ms`,
    };
    this.attemptFailed(task, agent, 'timed_out', error);
    this.tellAgentToStop(task.id, agentId, attempt, error);
    this.pump();
  }

  /** The attempt ended without the agent's answer: nobody wants its work any more (best effort; an agent may ignore it). */
  private tellAgentToStop(taskId: string, agentId: string, attempt: number, reason: TaskErrorInfo): void {
    if (agentId === '') return;
    this.communication.sendTaskCancel(agentAddress(agentId), {
      taskId,
      attempt,
      reason: { code: reason.code ?? 'ATTEMPT_ENDED', message: reason.message },
    });
  }

  /** An attempt failed through the task (a failed answer or a timeout): retry after a back-off, or dead-letter. */
  private attemptFailed(
    task: TaskRecord,
    agent: AgentRecord | undefined,
    outcome: 'failed' | 'timed_out',
    error: TaskErrorInfo,
  ): void {
    const agentId = task.assignedAgentId ?? '';
    const attempt = task.attempts;
    const now = this.endAttempt(task, agent, outcome, error);
    task.failures++;
    if (task.failures >= task.maxAttempts) {
      this.finish(task, 'dead_lettered', null, error, now);
      return;
    }
    const delayMs = retryDelay(task.failures, this.options.tasks.retry, this.services.random);
    this.emit({ type: 'task_attempt_failed', task, agentId, attempt, error, retryInMs: delayMs });
    if (delayMs === 0) this.enqueue(task, 'retry');
    else this.sleepThenRequeue(task, delayMs);
  }

  private sleepThenRequeue(task: TaskRecord, delayMs: number): void {
    const rank = PRIORITY_RANKS.indexOf(task.priority);
    task.status = 'queued';
    task.assignedAgentId = null;
    task.retryAt = this.clock.now() + delayMs;
    this.retryWaiting[rank] = (this.retryWaiting[rank] ?? 0) + 1;
    this.persist(task);
    task.timer = unrefTimer(
      setTimeout(() => {
        task.timer = undefined;
        this.retryWaiting[rank] = (this.retryWaiting[rank] ?? 1) - 1;
        if (task.status !== 'queued' || task.retryAt === null) return;
        this.enqueue(task, 'retry');
        this.pump();
      }, delayMs),
    );
  }

  /** The agent is gone or unreachable: every task it held goes elsewhere at once. */
  private redistributeAll(agent: AgentRecord, error: TaskErrorInfo): void {
    // A scan of the tasks held here: an agent lost is rare, a per-task index of who holds what is not free.
    for (const task of this.store.list()) {
      if (task.heldBy !== agent) continue;
      if (task.status === 'assigned' && task.assignedAgentId === agent.id)
        this.redistribute(task, agent, 'agent_lost', error);
      else this.release(task, agent);
    }
    this.registry.setLoad(agent, agent.held);
  }

  /** The agent counts the task as its own from here on (until release). */
  private hold(task: TaskRecord, agent: AgentRecord): void {
    if (task.heldBy !== undefined) this.release(task, task.heldBy);
    task.heldBy = agent;
    agent.held += task.weight;
  }

  /** Takes the task off the agent's count; false when the agent did not hold it (then nothing changes). */
  private release(task: TaskRecord, agent: AgentRecord): boolean {
    if (task.heldBy !== agent) return false;
    task.heldBy = undefined;
    agent.held -= task.weight;
    return true;
  }

  private redistribute(
    task: TaskRecord,
    agent: AgentRecord | undefined,
    outcome: 'agent_lost' | 'not_delivered' | 'refused',
    error: TaskErrorInfo,
  ): void {
    const agentId = task.assignedAgentId ?? '';
    this.endAttempt(task, agent, outcome, error);
    // An agent marked lost may still be running the task (a stall, a partition), and one whose
    // hand-over was not confirmed (a delivery timeout) may have it: it should stop.
    if (outcome !== 'refused') this.tellAgentToStop(task.id, agentId, task.attempts, error);
    task.redistributions++;
    if (task.redistributions > this.options.tasks.retry.maxRedistributions) {
      this.finish(task, 'dead_lettered', null, {
        code: 'REDISTRIBUTION_LIMIT',
        message: `handed over and lost ${String(task.redistributions)} times; last: ${error.message}`,
      });
      return;
    }
    this.emit({ type: 'task_attempt_failed', task, agentId, attempt: task.attempts, error, retryInMs: 0 });
    this.enqueue(task, 'retry');
  }

  /** A task the agent held was lost or timed out: one more strike for its circuit breaker. */
  private struck(agent: AgentRecord, now: number): void {
    if (this.registry.get(agent.id) !== agent) return;
    const forMs = this.breaker.strike(agent, now);
    if (forMs === undefined) return;
    this.logger.warn('agent quarantined: tasks it took were lost or timed out in a row', { agentId: agent.id, forMs });
    if (agent.status === 'online') {
      this.registry.setStatus(agent, 'draining');
      this.emit({ type: 'agent_status_changed', agent });
    }
  }

  /** The agent answered a task: its circuit breaker closes (and a probation's one-task limit ends). */
  private answered(agent: AgentRecord, now: number): void {
    const capacity = this.breaker.close(agent, now);
    if (capacity !== undefined) this.registry.setCapacity(agent, capacity);
  }

  /** A registration does not end a quarantine or a probation (a black hole would just register again). */
  private keepQuarantine(agent: AgentRecord): void {
    if (this.breaker.size === 0) return;
    if (this.breaker.isProbing(agent)) {
      this.breaker.declareCapacity(agent, agent.capacity);
      this.registry.setCapacity(agent, 1);
    }
    if (this.breaker.isQuarantined(agent, this.clock.now())) this.registry.setStatus(agent, 'draining');
  }

  /**
   * Periodic upkeep (the engine runs it with the liveness check): quarantines that ran out end in
   * probation (online, one task at a time until an answer), and agents offline for longer than
   * `agents.forgetAfterMs` are removed. Returns the ids removed.
   */
  maintainFleet(now: number): string[] {
    for (const agent of this.breaker.endQuarantines(now)) {
      if (this.registry.get(agent.id) !== agent) {
        this.breaker.forget(agent);
        continue;
      }
      this.registry.setCapacity(agent, 1);
      this.logger.info('agent quarantine ended: on probation, one task at a time', { agentId: agent.id });
      if (agent.status === 'draining' && !agent.drainRequested)
        this.changeStatus(agent, 'online', { code: 'AGENT_OFFLINE', message: `agent '${agent.id}' went offline` });
    }
    const forgetBefore = now - this.options.agents.forgetAfterMs;
    const forgotten: string[] = [];
    for (const agent of this.registry.all())
      if (agent.status === 'offline' && agent.lastSeenAt < forgetBefore) forgotten.push(agent.id);
    for (const agentId of forgotten) {
      this.logger.info('agent offline too long: forgotten', { agentId });
      this.unregisterAgent(agentId);
    }
    this.pump();
    return forgotten;
  }

  private changeStatus(agent: AgentRecord, status: AgentStatus, lostError: TaskErrorInfo): void {
    this.registry.setStatus(agent, status);
    if (status === 'offline') this.redistributeAll(agent, lostError);
    this.emit({ type: 'agent_status_changed', agent });
  }

  /** Closes the running attempt and frees the agent's slot (learning hooks included); returns the clock reading it used. */
  private endAttempt(
    task: TaskRecord,
    agent: AgentRecord | undefined,
    outcome: AttemptEnd,
    error: TaskErrorInfo | null,
  ): number {
    const now = this.clock.now();
    this.stopTimers(task);
    task.endRunningAttempt(outcome, now, error);
    if (agent === undefined || !this.release(task, agent)) return now;
    this.registry.setLoad(agent, agent.load - task.weight);
    agent.lastSeenAt = Math.max(agent.lastSeenAt, now);
    // Only work the agent took and lost counts against it: a refusal (it was full or not accepting
    // yet) or a cancellation says nothing about its health.
    if (outcome === 'timed_out' || outcome === 'agent_lost' || outcome === 'not_delivered') this.struck(agent, now);
    else if (outcome !== 'refused' && outcome !== 'cancelled' && this.breaker.size > 0) this.answered(agent, now);
    if (outcome !== 'completed' && outcome !== 'failed' && outcome !== 'timed_out') return now;
    const latencyMs = Math.max(0, now - (task.assignedAt ?? now));
    agent.recordOutcome(outcome === 'completed', latencyMs);
    // A task adopted from a journal knows its strategy by name only.
    const strategy =
      task.assignedStrategy ?? (task.assignedBy === null ? undefined : this.strategies.find(task.assignedBy));
    if (
      strategy === undefined ||
      (outcome === 'completed' ? strategy.strategy.onCompleted === undefined : strategy.strategy.onFailed === undefined)
    )
      return now;
    const result = { agent: agent.view, task, latencyMs, ...(error === null ? {} : { error }) };
    this.notify(
      () => (outcome === 'completed' ? strategy.strategy.onCompleted?.(result) : strategy.strategy.onFailed?.(result)),
      strategy,
    );
    return now;
  }

  /** `now`: the clock reading of the attempt that just ended, if any (one read per task instead of two). */
  private finish(
    task: TaskRecord,
    status: 'completed' | 'failed' | 'dead_lettered' | 'cancelled',
    result: TaskRecord['result'],
    error: TaskErrorInfo | null,
    now = this.clock.now(),
  ): void {
    this.stopTimers(task);
    task.status = status;
    task.result = status === 'completed' ? result : null;
    task.error = status === 'completed' ? null : error;
    task.retryAt = null;
    task.finishedAt = now;
    if (status !== 'completed')
      this.logger.warn(`task ${status.replace('_', '-')}`, {
        taskId: task.id,
        attempts: task.attempts,
        code: error?.code,
      });
    this.store.finished(task);
    if (this.durable !== undefined) {
      void this.durable.settle(task);
      return;
    }
    const watcher = task.finishWatcher;
    if (watcher !== undefined) {
      task.finishWatcher = undefined;
      watcher.taskFinished(task);
    }
    this.finishedHook?.(task);
    if (this.listeners.size > 0)
      this.tellListeners({ type: 'task_finished', task, latencyMs: Math.max(0, now - task.createdAt) });
  }

  /** Durable mode: writes an intermediate state (the final one goes through settle). */
  private persist(task: TaskRecord): void {
    this.durable?.persist(task);
  }

  private emit(event: DistributionEvent): void {
    if (event.type === 'task_finished') this.finishedHook?.(event.task);
    this.tellListeners(event);
  }

  private tellListeners(event: DistributionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn('a distribution event listener threw', { event: event.type, error: String(error) });
      }
    }
  }

  private waitingCount(): number {
    return (
      this.queue.size +
      (this.retryWaiting[0] ?? 0) +
      (this.retryWaiting[1] ?? 0) +
      (this.retryWaiting[2] ?? 0) +
      (this.retryWaiting[3] ?? 0)
    );
  }

  /** The most specific wins: the task's own strategy, then its first mapped capability's, then the default. */
  private strategyFor(task: TaskRecord): RegisteredStrategy {
    if (task.strategy !== null) return this.strategies.resolve(task.strategy);
    const byCapability = this.options.distribution.capabilityStrategies;
    for (const capability of task.requiredCapabilities) {
      // Own properties only: a capability named `valueOf` must not find Object.prototype's.
      const mapped = Object.hasOwn(byCapability, capability) ? byCapability[capability] : undefined;
      if (mapped !== undefined) return this.strategies.resolve(mapped);
    }
    return this.strategies.resolve(this.options.distribution.defaultStrategy);
  }

  private newTask(taskId: string, parsed: z.output<typeof CreateTaskInputSchema>): TaskRecord {
    const defaults = this.defaultLimits;
    const limits =
      parsed.maxAttempts === undefined && parsed.attemptTimeoutMs === undefined && parsed.queueTimeoutMs === undefined
        ? defaults
        : {
            maxAttempts: parsed.maxAttempts ?? defaults.maxAttempts,
            attemptTimeoutMs: parsed.attemptTimeoutMs ?? defaults.attemptTimeoutMs,
            queueTimeoutMs: parsed.queueTimeoutMs ?? defaults.queueTimeoutMs,
          };
    const task = new TaskRecord(
      taskId,
      parsed.taskType,
      parsed.requiredCapabilities,
      parsed.taskData,
      parsed.senderId,
      parsed.priority,
      parsed.strategy ?? null,
      this.clock.now(),
      limits,
      parsed.weight,
    );
    // An unknown strategy is refused at the door, before anything is kept.
    this.strategyFor(task);
    return task;
  }

  private requireTask(taskId: string): TaskRecord {
    const id = parseInput(TaskIdSchema, taskId, 'taskId');
    const task = this.store.get(id);
    if (task === undefined) throw NotFoundError.task(id);
    return task;
  }

  private assertNewTaskId(taskId: string): void {
    if (this.store.get(taskId) !== undefined) {
      throw new TaskStateError('TASK_ALREADY_EXISTS', `A task with id '${taskId}' already exists`, { taskId });
    }
  }

  private noCapableAgentError(task: TaskRecord): TaskDistributionError {
    const missing = this.registry.shortfall(task.requiredCapabilities).missingCapabilities;
    const message =
      missing.length > 0
        ? `No registered agent has the capabilities ${missing.join(', ')} (task '${task.id}')`
        : `No single registered agent has all of ${task.requiredCapabilities.join(', ')} (task '${task.id}')`;
    return new TaskDistributionError('NO_CAPABLE_AGENT', message, {
      taskId: task.id,
      requiredCapabilities: task.requiredCapabilities,
      missingCapabilities: missing,
    });
  }

  /**
   * Whether some agent with the capabilities, in any state, could ever take a task of that weight
   * (by the capacity it declared: probation lowers it to 1 only for a while).
   */
  private someCapableAgentHolds(weight: number, pool: CandidatePool): boolean {
    let holds = false;
    pool.forEachMember((agent) => {
      if (this.breaker.declaredCapacityOf(agent) >= weight) holds = true;
    });
    return holds;
  }

  private tooHeavyError(task: TaskRecord, pool: CandidatePool): TaskDistributionError {
    let largest = 0;
    pool.forEachMember((agent) => {
      largest = Math.max(largest, this.breaker.declaredCapacityOf(agent));
    });
    return new TaskDistributionError(
      'TASK_TOO_HEAVY',
      `Task '${task.id}' has weight ${String(task.weight)}, more than the capacity of every agent with ${task.requiredCapabilities.join(', ')} (largest: ${String(largest)})`,
      {
        taskId: task.id,
        requiredCapabilities: task.requiredCapabilities,
        weight: task.weight,
        largestCapacity: largest,
      },
    );
  }

  private queueFullError(task: TaskRecord): TaskDistributionError {
    const { offline, draining, full } = this.registry.shortfall(task.requiredCapabilities);
    return new TaskDistributionError(
      'QUEUE_FULL',
      `No capable agent is free for task '${task.id}' (${String(offline)} offline, ${String(draining)} draining, ${String(full)} full) and the queue holds its maximum of ${String(this.options.tasks.queue.maxLength)} tasks`,
      {
        taskId: task.id,
        requiredCapabilities: task.requiredCapabilities,
        missingCapabilities: [],
        unavailable: { offline, draining, full },
      },
    );
  }

  /** Strategy hooks are someone else's code: a throwing hook is logged, never fatal. */
  private notify(hook: () => void, strategy: RegisteredStrategy): void {
    try {
      hook();
    } catch (error) {
      this.logger.warn('a strategy hook threw', { strategy: strategy.name, error: String(error) });
    }
  }
}

function isCurrentAttempt(task: TaskRecord, agentId: string, attempt: number): boolean {
  return task.status === 'assigned' && task.attempts === attempt && task.assignedAgentId === agentId;
}

/** A strategy's wrong answer, named for the message without trusting its shape. */
function describeChoice(choice: unknown): string {
  const id = typeof choice === 'object' && choice !== null ? (choice as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? `'${id}'` : `a ${choice === null ? 'null' : typeof choice}`;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function errorInfo(error: unknown): TaskErrorInfo {
  if (error instanceof SwitchyardError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Task timers must never keep a process alive on their own (Node); elsewhere timers have no unref. */
function unrefTimer(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
