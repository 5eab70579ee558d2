import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { CommunicationManager } from '../communication/communication-manager.js';
import { TOKENS } from '../di/tokens.js';
import { AuthorizationError } from '../errors/authorization-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TaskDistributionError } from '../errors/task-distribution-error.js';
import { TaskStateError } from '../errors/task-state-error.js';
import type { CoreOptions } from '../engine/core-options.js';
import { AgentRegistrationSchema } from '../models/agent-registration.js';
import type { AgentRegistration } from '../models/agent-registration.js';
import { AgentStatusUpdateSchema } from '../models/agent-status-update.js';
import type { AgentStatusUpdate } from '../models/agent-status-update.js';
import type { AgentSnapshot } from '../models/agent-view.js';
import { AgentIdSchema, TaskIdSchema } from '../models/identifiers.js';
import type { Task, TaskErrorInfo } from '../models/task.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { TaskStore } from '../ports/task-store.js';
import type { AgentRecord } from '../registry/agent-record.js';
import { AgentRegistry } from '../registry/agent-registry.js';
import type { RegisteredStrategy } from '../strategies/strategy-registry.js';
import { StrategyRegistry } from '../strategies/strategy-registry.js';
import { parseInput } from '../validation/parse-input.js';
import type { CreateTaskInput, DistributeTaskInput, ParsedTaskResponse, TaskAssignment, TaskResponseInput } from './task-inputs.js';
import { CreateTaskInputSchema, DistributeTaskInputSchema, TaskResponseInputSchema } from './task-inputs.js';
import { TaskRecord } from './task-record.js';

export type TaskFinishedListener = (task: TaskRecord) => void;

/**
 * Registers agents, picks an agent for each task through its strategy, hands the task over and
 * books the answer. Every public method validates its input first and changes nothing when it
 * throws.
 */
@injectable()
export class TaskDistributor {
  private readonly finishedListeners = new Set<TaskFinishedListener>();

  constructor(
    @inject(AgentRegistry) private readonly registry: AgentRegistry,
    @inject(StrategyRegistry) private readonly strategies: StrategyRegistry,
    @inject(CommunicationManager) private readonly communication: CommunicationManager,
    @inject(TOKENS.TaskStore) private readonly store: TaskStore,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.CoreOptions) private readonly options: CoreOptions,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  /** `overTransport`: the agent joined through the transport and so must keep heartbeating. */
  registerAgent(input: AgentRegistration, overTransport = false): AgentSnapshot {
    const registration = parseInput(AgentRegistrationSchema, input, 'agent registration');
    const { agent, created } = this.registry.register(registration, this.clock.now());
    agent.expectsHeartbeats = overTransport;
    this.logger.info(created ? 'agent registered' : 'agent re-registered', { agentId: agent.id, capabilities: [...agent.capabilities] });
    return agent.snapshot();
  }

  /** Removes an agent; tasks it still held fail with AGENT_UNREGISTERED so no caller waits forever. */
  unregisterAgent(agentId: string): AgentSnapshot {
    const id = parseInput(AgentIdSchema, agentId, 'agentId');
    const agent = this.registry.unregister(id);
    this.failInFlight(agent, { code: 'AGENT_UNREGISTERED', message: `agent '${id}' unregistered before answering` });
    this.logger.info('agent unregistered', { agentId: id });
    return agent.snapshot();
  }

  /**
   * Marks offline every heartbeating agent not heard from since `silentSince`, and fails the
   * tasks it held (AGENT_LOST) so their callers learn at once. Returns the ids marked offline.
   */
  expireSilentAgents(silentSince: number): string[] {
    const expired: string[] = [];
    for (const agent of this.registry.all()) {
      if (!agent.expectsHeartbeats || agent.status === 'offline' || agent.lastSeenAt >= silentSince) continue;
      this.registry.setStatus(agent, 'offline');
      this.failInFlight(agent, { code: 'AGENT_LOST', message: `agent '${agent.id}' stopped sending heartbeats` });
      this.logger.warn('agent missed its heartbeats: marked offline', { agentId: agent.id, lastSeenAt: new Date(agent.lastSeenAt).toISOString() });
      expired.push(agent.id);
    }
    return expired;
  }

  updateAgentStatus(input: AgentStatusUpdate): AgentSnapshot {
    const update = parseInput(AgentStatusUpdateSchema, input, 'agent status update');
    const agent = this.registry.require(update.agentId);
    agent.lastSeenAt = this.clock.now();
    const status = update.status ?? (update.isOnline === undefined ? undefined : update.isOnline ? 'online' : 'offline');
    if (status !== undefined) this.registry.setStatus(agent, status);
    if (update.currentLoad !== undefined) this.registry.setLoad(agent, update.currentLoad);
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
    return task.snapshot();
  }

  /** Creates a task and hands it to an agent; on any failure the task is not kept. */
  async distributeTask(input: DistributeTaskInput): Promise<TaskAssignment> {
    const parsed = parseInput(DistributeTaskInputSchema, input, 'task');
    this.assertNewTaskId(parsed.taskId);
    const strategy = this.strategies.resolve(this.strategyNameFor(parsed.strategy, parsed.requiredCapabilities));
    const task = this.newTask(parsed.taskId, parsed);
    const agent = this.choose(task, strategy);
    this.store.add(task);
    return this.handOver(task, agent, strategy, true);
  }

  /** Hands a pending task to an agent. */
  async dispatchTask(taskId: string): Promise<TaskAssignment> {
    const task = this.requireTask(taskId);
    if (task.status !== 'pending') {
      throw new TaskStateError('TASK_NOT_PENDING', `Task '${task.id}' is ${task.status}, not pending`, { taskId: task.id, status: task.status });
    }
    const strategy = this.strategies.resolve(this.strategyNameFor(task.strategy, task.requiredCapabilities));
    const agent = this.choose(task, strategy);
    return this.handOver(task, agent, strategy, false);
  }

  /** Books an agent's answer. Only the assigned agent may answer, and only the current attempt. */
  handleTaskResponse(input: TaskResponseInput): Task {
    return this.applyTaskResponse(parseInput(TaskResponseInputSchema, input, 'task response')).snapshot();
  }

  /** For answers already validated (by the envelope schema); returns the live record. */
  applyTaskResponse(response: ParsedTaskResponse): TaskRecord {
    const task = this.requireTask(response.taskId);
    if (task.isFinished) {
      throw new TaskStateError('TASK_ALREADY_FINISHED', `Task '${task.id}' already ${task.status}`, { taskId: task.id, status: task.status });
    }
    if (task.status !== 'assigned' || task.assignedAgentId === null) {
      throw new TaskStateError('TASK_NOT_ASSIGNED', `Task '${task.id}' is not assigned to any agent`, { taskId: task.id });
    }
    if (task.assignedAgentId !== response.agentId) {
      throw new AuthorizationError('NOT_ASSIGNED_AGENT', `Task '${task.id}' is not assigned to agent '${response.agentId}'`, {
        taskId: task.id,
        agentId: response.agentId,
      });
    }
    if (response.attempt !== undefined && response.attempt !== task.attempts) {
      throw new TaskStateError('STALE_ATTEMPT', `Answer for attempt ${String(response.attempt)} of task '${task.id}', which is on attempt ${String(task.attempts)}`, {
        taskId: task.id,
        attempt: response.attempt,
        currentAttempt: task.attempts,
      });
    }
    const agent = this.registry.get(response.agentId);
    this.finish(task, agent, response.status, response.result ?? null, response.error ?? null);
    return task;
  }

  getTask(taskId: string): Task {
    return this.requireTask(taskId).snapshot();
  }

  listTasks(filter?: { readonly status?: Task['status']; readonly limit?: number }): Task[] {
    return this.store.list(filter).map((task) => task.snapshot());
  }

  /** The live record, for the engine's waiters. */
  findTaskRecord(taskId: string): TaskRecord | undefined {
    return this.store.get(taskId);
  }

  onTaskFinished(listener: TaskFinishedListener): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  private failInFlight(agent: AgentRecord, error: TaskErrorInfo): void {
    for (const taskId of [...agent.inFlight]) {
      const task = this.store.get(taskId);
      if (task !== undefined && !task.isFinished) this.finish(task, agent, 'failed', null, error);
    }
    agent.inFlight.clear();
  }

  /** The most specific wins: the task's own strategy, then its first mapped capability's, then the default. */
  private strategyNameFor(requested: string | null | undefined, requiredCapabilities: readonly string[]): string {
    if (requested !== null && requested !== undefined) return requested;
    const byCapability = this.options.distribution.capabilityStrategies;
    for (const capability of requiredCapabilities) {
      const mapped = byCapability[capability];
      if (mapped !== undefined) return mapped;
    }
    return this.options.distribution.defaultStrategy;
  }

  private newTask(taskId: string, parsed: z.output<typeof CreateTaskInputSchema>): TaskRecord {
    return new TaskRecord(taskId, parsed.taskType, parsed.requiredCapabilities, parsed.taskData, parsed.senderId, parsed.priority, parsed.strategy ?? null, this.clock.now());
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

  /** Runs the strategy over the candidate pool; throws a TaskDistributionError that says why when nobody fits. */
  private choose(task: TaskRecord, strategy: RegisteredStrategy): AgentRecord {
    const pool = this.registry.candidates(task.requiredCapabilities);
    if (pool.size === 0) throw this.noCandidateError(task);
    const chosen = strategy.strategy.select(pool, task);
    if (chosen === undefined) {
      throw new TaskDistributionError('STRATEGY_DECLINED', `Strategy '${strategy.name}' chose no agent for task '${task.id}'`, {
        taskId: task.id,
        requiredCapabilities: task.requiredCapabilities,
        strategy: strategy.name,
      });
    }
    const agent = pool.availableRecord(chosen);
    if (agent === undefined) {
      throw new TaskDistributionError(
        'STRATEGY_INVALID_CHOICE',
        `Strategy '${strategy.name}' chose '${chosen.id}', which is not an available candidate for task '${task.id}'`,
        { taskId: task.id, requiredCapabilities: task.requiredCapabilities, strategy: strategy.name },
      );
    }
    return agent;
  }

  private noCandidateError(task: TaskRecord): TaskDistributionError {
    const shortfall = this.registry.shortfall(task.requiredCapabilities);
    const details = { taskId: task.id, requiredCapabilities: task.requiredCapabilities };
    if (shortfall.capableAgents === 0) {
      const missing = shortfall.missingCapabilities;
      const message =
        missing.length > 0
          ? `No registered agent has the capabilities ${missing.join(', ')} (task '${task.id}')`
          : `No single registered agent has all of ${task.requiredCapabilities.join(', ')} (task '${task.id}')`;
      return new TaskDistributionError('NO_CAPABLE_AGENT', message, { ...details, missingCapabilities: missing });
    }
    const { offline, draining, full } = shortfall;
    return new TaskDistributionError(
      'NO_AVAILABLE_AGENT',
      `${String(shortfall.capableAgents)} agent(s) can do task '${task.id}' but none is available (${String(offline)} offline, ${String(draining)} draining, ${String(full)} full)`,
      { ...details, missingCapabilities: [], unavailable: { offline, draining, full } },
    );
  }

  private async handOver(task: TaskRecord, agent: AgentRecord, strategy: RegisteredStrategy, discardOnFailure: boolean): Promise<TaskAssignment> {
    task.attempts++;
    const attempt = task.attempts;
    task.status = 'assigned';
    task.assignedAgentId = agent.id;
    task.assignedAt = this.clock.now();
    task.assignedBy = strategy.name;
    agent.inFlight.add(task.id);
    this.registry.setLoad(agent, agent.load + 1);
    this.notify(() => strategy.strategy.onAssigned?.(agent, task), strategy);
    try {
      await this.communication.sendTaskRequest(agent.id, task);
    } catch (error) {
      this.rollBack(task, agent, attempt, discardOnFailure);
      throw error;
    }
    return { taskId: task.id, agentId: agent.id, strategy: strategy.name, attempt };
  }

  /** Undoes a hand-over that never reached the agent, unless the task moved on meanwhile. */
  private rollBack(task: TaskRecord, agent: AgentRecord, attempt: number, discard: boolean): void {
    if (task.status !== 'assigned' || task.attempts !== attempt || task.assignedAgentId !== agent.id) return;
    if (agent.inFlight.delete(task.id)) this.registry.setLoad(agent, agent.load - 1);
    task.status = 'pending';
    task.assignedAgentId = null;
    task.assignedAt = null;
    task.assignedBy = null;
    if (discard) this.store.remove(task.id);
  }

  private finish(task: TaskRecord, agent: AgentRecord | undefined, status: 'completed' | 'failed', result: TaskRecord['result'], error: TaskErrorInfo | null): void {
    const now = this.clock.now();
    const latencyMs = Math.max(0, now - (task.assignedAt ?? now));
    task.status = status;
    task.result = status === 'completed' ? result : null;
    task.error = status === 'failed' ? error : null;
    task.finishedAt = now;
    if (agent !== undefined && agent.inFlight.delete(task.id)) {
      agent.recordOutcome(status === 'completed', latencyMs);
      agent.lastSeenAt = now;
      this.registry.setLoad(agent, agent.load - 1);
      const strategy = task.assignedBy === null ? undefined : this.strategies.find(task.assignedBy);
      if (strategy !== undefined) {
        const outcome = { agent, task, latencyMs, ...(task.error === null ? {} : { error: task.error }) };
        this.notify(() => (status === 'completed' ? strategy.strategy.onCompleted?.(outcome) : strategy.strategy.onFailed?.(outcome)), strategy);
      }
    }
    this.store.finished(task);
    for (const listener of this.finishedListeners) listener(task);
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
