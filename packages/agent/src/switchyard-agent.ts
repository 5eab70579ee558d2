import type { AgentStatus, JsonValue, Logger, TaskProgressUpdate } from '@switchyard/core';
import type {
  AckPayload,
  Envelope,
  EnvelopeOf,
  TaskResponsePayload,
  Transport,
  TransportSubscription,
} from '@switchyard/core/internal';
import { CommunicationError, isJsonValue, JsonValueSchema, SilentLogger, ValidationError } from '@switchyard/core';
import {
  agentAddress,
  newAgentSession,
  nextEnvelopeId,
  ORCHESTRATOR_ADDRESS,
  parseInput,
} from '@switchyard/core/internal';
import type { AgentOptions } from './agent-options.js';
import { AgentOptionsSchema } from './agent-options.js';
import type { AgentTask, TaskHandler } from './agent-task.js';
import { OrchestratorRejectedError } from './orchestrator-rejected-error.js';
import { TaskFailure } from './task-failure.js';
import type { ProgressOutlet } from './task-run.js';
import { TaskRun } from './task-run.js';
import { AttemptFences } from './attempt-fences.js';

type OkAck = Extract<AckPayload, { ok: true }>;

interface PendingRequest {
  resolve(ack: OkAck): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The `settled` of an answer for a task the agent never took (a refusal): nothing to let go of. */
const NOTHING_HELD = (): void => undefined;
/** Answered attempts remembered, so a resent request for one is not run again; the oldest is forgotten beyond this. */
const ANSWERED_ATTEMPT_LIMIT = 4_096;

/** Pause between attempts to send an answer while the connection is down. */
const ANSWER_RETRY_STEP_MS = 250;

/**
 * An agent over any transport: registers itself, takes task requests addressed to it, runs the
 * handler, answers, keeps the orchestrator informed of its load, and leaves cleanly.
 */
export class SwitchyardAgent {
  private readonly options: ReturnType<typeof AgentOptionsSchema.parse>;
  private readonly address: string;
  private readonly pending = new Map<string, PendingRequest>();
  /** Fences of the attempts in hand and of the last ones answered: a resent attempt is not run twice. */
  private readonly attempts = new AttemptFences(ANSWERED_ATTEMPT_LIMIT);
  /** Tasks in hand; a counter, not a collection: it is touched twice per task. */
  private inHand = 0;
  /** Resolves drain() once inHand reaches 0. */
  private whenIdle: (() => void) | undefined;
  /**
   * Tasks whose handlers returned a promise and have not settled, by task id: what task_cancel
   * and stop() abort. A later attempt of the same task takes the entry over (the earlier one was
   * cancelled before it was sent again).
   */
  private readonly running = new Map<string, TaskRun>();
  /** Running tasks whose handlers ignored their cancellation past cancelGraceMs. */
  private stuck = 0;
  /** Answers the orchestrator told us it refused (answer_refused). */
  private refused = 0;
  private subscription: TransportSubscription | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** This run of the agent: a restarted agent gets a new one, so the orchestrator re-sends what the old run held. */
  private readonly instanceId = globalThis.crypto.randomUUID();
  /**
   * The session this run asks for at registration, and then carries on every envelope: made here
   * (not by the orchestrator) so that several orchestrators hearing one registration agree on it.
   */
  private session = newAgentSession();
  private status: AgentStatus = 'offline';
  /** What the agent offers; setCapabilities changes it while it runs. */
  private capabilities: readonly string[];
  /** Where every task's context.progress reports go out (see sendProgress). */
  private readonly progressOutlet: ProgressOutlet;

  constructor(
    options: AgentOptions,
    private readonly transport: Transport,
    private readonly handler: TaskHandler,
    private readonly logger: Logger = new SilentLogger(),
  ) {
    this.options = parseInput(AgentOptionsSchema, options, 'agent options');
    this.address = agentAddress(this.options.agentId);
    this.capabilities = this.options.capabilities;
    this.progressOutlet = {
      progressIntervalMs: this.options.progressIntervalMs,
      sendProgress: (request, update) => {
        this.sendProgress(request, update);
      },
    };
  }

  get agentId(): string {
    return this.options.agentId;
  }

  /** Units of capacity in hand right now: the tasks held, each counted by its weight (1 unless it declared more). */
  get load(): number {
    return this.inHand;
  }

  get isRunning(): boolean {
    return this.subscription !== undefined;
  }

  /** Tasks whose handlers ignored their cancellation past cancelGraceMs (still counted in load). */
  get stuckTasks(): number {
    return this.stuck;
  }

  /** Answers the orchestrator said it refused (stale attempt, task finished or taken away). */
  get refusedAnswers(): number {
    return this.refused;
  }

  /** Connects, listens at its address and registers; rejects if the orchestrator refuses or does not answer. */
  async start(): Promise<void> {
    if (this.subscription !== undefined) return;
    await this.transport.start();
    this.subscription = await this.transport.subscribe(this.address, (envelope) => this.receive(envelope));
    let ack: OkAck;
    // Online here before the orchestrator hears of it: a task it sends right after the ack is taken, not refused.
    this.status = 'online';
    try {
      ack = await this.registerWhenFree();
    } catch (error) {
      this.status = 'offline';
      await this.disconnect();
      throw error;
    }
    const interval = this.options.heartbeatIntervalMs ?? ack.heartbeatIntervalMs ?? 0;
    if (interval > 0) {
      this.heartbeat = setInterval(() => {
        this.sendHeartbeat();
      }, interval);
      this.heartbeat.unref();
    }
  }

  private async register(): Promise<OkAck> {
    const ack = await this.request('agent_register', {
      agentId: this.options.agentId,
      capabilities: [...this.capabilities],
      priority: this.options.priority,
      ...(this.options.capacity === undefined ? {} : { capacity: this.options.capacity }),
      ...(this.options.metadata === undefined ? {} : { metadata: this.options.metadata }),
      instanceId: this.instanceId,
      session: this.session,
      ...(this.options.authToken === undefined ? {} : { authToken: this.options.authToken }),
    });
    if (ack.session !== undefined) this.session = ack.session;
    return ack;
  }

  /** Registers; while a previous run of this agent still holds the id (it has not missed its heartbeats yet), waits as the orchestrator says and tries again. */
  private async registerWhenFree(): Promise<OkAck> {
    const giveUpAt = Date.now() + this.options.registerWaitMs;
    for (;;) {
      try {
        return await this.register();
      } catch (error) {
        const retryAfterMs =
          error instanceof OrchestratorRejectedError && error.code === 'AGENT_ID_IN_USE'
            ? error.details.retryAfterMs
            : undefined;
        if (typeof retryAfterMs !== 'number' || Date.now() + retryAfterMs > giveUpAt) throw error;
        this.logger.info('agent id still held by a previous run: waiting for it to lapse', {
          agentId: this.agentId,
          retryAfterMs,
        });
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 50));
      }
    }
  }

  /**
   * Leaves gracefully: announces draining, lets running tasks finish (up to drainTimeoutMs, then
   * aborts them), unregisters and disconnects.
   */
  async stop(): Promise<void> {
    if (this.subscription === undefined) return;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.setStatus('draining').catch((error: unknown) => {
      this.logger.warn('could not announce draining', { agentId: this.agentId, error: String(error) });
    });
    await this.drain();
    await this.request('agent_unregister', { agentId: this.agentId, session: this.session }).catch((error: unknown) => {
      this.logger.warn('could not unregister', { agentId: this.agentId, error: String(error) });
    });
    await this.disconnect();
    this.status = 'offline';
  }

  /**
   * Changes what the agent offers while it runs: it registers again under the same run and session,
   * so the orchestrator keeps its tasks in hand and routes by the new capabilities from now on.
   * A list the schema refuses throws ValidationError naming `capabilities`, and changes nothing.
   */
  async setCapabilities(capabilities: readonly string[]): Promise<void> {
    const next = parseInput(
      AgentOptionsSchema.pick({ capabilities: true }),
      { capabilities },
      'agent options',
    ).capabilities;
    const previous = this.capabilities;
    this.capabilities = next;
    if (this.subscription === undefined) return;
    try {
      await this.register();
    } catch (error) {
      this.capabilities = previous;
      throw error;
    }
  }

  /** Tells the orchestrator the agent's status (and its current load). */
  async setStatus(status: AgentStatus): Promise<void> {
    // Applied here first: going online, the agent must take what the orchestrator sends once it knows;
    // going draining, it refuses (without using the task's attempts) what was sent before it knew.
    const previous = this.status;
    this.status = status;
    try {
      await this.request('agent_status', {
        agentId: this.agentId,
        status,
        currentLoad: this.load,
        stuckTasks: this.stuck,
        session: this.session,
      });
    } catch (error) {
      if (this.status === status) this.status = previous;
      throw error;
    }
  }

  /** Sends the agent's own count of tasks in hand, correcting the orchestrator's. */
  async reportLoad(): Promise<void> {
    await this.request('agent_status', {
      agentId: this.agentId,
      currentLoad: this.load,
      stuckTasks: this.stuck,
      session: this.session,
    });
  }

  /**
   * A heartbeat is a status report. An orchestrator that no longer knows us (it restarted, or
   * forgot us after a long absence) or knows our id under another session gets a new registration.
   */
  private sendHeartbeat(): void {
    this.request('agent_status', {
      agentId: this.agentId,
      status: this.status,
      currentLoad: this.load,
      stuckTasks: this.stuck,
      session: this.session,
    })
      .catch(async (error: unknown) => {
        if (
          error instanceof OrchestratorRejectedError &&
          (error.code === 'AGENT_NOT_FOUND' || error.code === 'SESSION_INVALID')
        ) {
          this.logger.info('the orchestrator forgot this agent: registering again', { agentId: this.agentId });
          await this.register();
          return;
        }
        throw error;
      })
      .catch((error: unknown) => {
        this.logger.warn('heartbeat not acknowledged', { agentId: this.agentId, error: String(error) });
      });
  }

  private async drain(): Promise<void> {
    if (this.inHand === 0) return;
    const idle = new Promise<'idle'>((resolve) => {
      this.whenIdle = () => {
        resolve('idle');
      };
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, this.options.drainTimeoutMs);
    });
    const outcome = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      // Handlers that honour the signal end now; their answers still go out.
      const stopped = new Error('agent stopped');
      for (const run of this.running.values()) run.abort(stopped, false);
      let graceTimer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<'timeout'>((resolve) => {
        graceTimer = setTimeout(() => {
          resolve('timeout');
        }, this.options.cancelGraceMs);
      });
      const settled = await Promise.race([idle, grace]);
      clearTimeout(graceTimer);
      // A handler that ignores its signal must not keep the agent from leaving.
      if (settled === 'timeout')
        this.logger.warn('handlers ignored the stop and are left running', {
          agentId: this.agentId,
          tasks: [...this.running.values()].map((run) => run.taskId),
        });
    }
  }

  private async disconnect(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new CommunicationError('TRANSPORT_CLOSED', 'The agent stopped'));
      this.pending.delete(id);
    }
    await subscription?.unsubscribe();
    await this.transport.stop();
  }

  private receive(envelope: Envelope): Promise<void> | undefined {
    if (envelope.kind === 'ack') {
      this.settle(envelope);
      return undefined;
    }
    if (envelope.kind === 'task_request') return this.run(envelope);
    if (envelope.kind === 'task_cancel' && envelope.from === ORCHESTRATOR_ADDRESS) {
      this.cancel(envelope.payload.taskId, envelope.payload.attempt, envelope.payload.reason);
      return undefined;
    }
    if (envelope.kind === 'answer_refused' && envelope.from === ORCHESTRATOR_ADDRESS) {
      this.refused++;
      const { taskId, attempt, code, message } = envelope.payload;
      this.logger.warn('the orchestrator refused an answer', { agentId: this.agentId, taskId, attempt, code, message });
      return undefined;
    }
    this.logger.warn('ignored an envelope an agent does not take', {
      agentId: this.agentId,
      kind: envelope.kind,
      from: envelope.from,
    });
    return undefined;
  }

  private settle(envelope: EnvelopeOf<'ack'>): void {
    const pending = envelope.correlationId === undefined ? undefined : this.pending.get(envelope.correlationId);
    if (pending === undefined || envelope.correlationId === undefined) return;
    this.pending.delete(envelope.correlationId);
    clearTimeout(pending.timer);
    const ack: AckPayload = envelope.payload;
    if (ack.ok) pending.resolve(ack);
    else pending.reject(new OrchestratorRejectedError(ack.error.code, ack.error.message, ack.error.details ?? {}));
  }

  private run(envelope: EnvelopeOf<'task_request'>): Promise<void> | undefined {
    const { payload } = envelope;
    // The same attempt sent again (an orchestrator took the task over after its owner died):
    // not run twice, and never refused as if the agent were full. Its answer, if it went out
    // already, reached every orchestrator, and the one now holding the task books it.
    if (this.attempts.has(payload.fence)) return undefined;
    const capacity = this.options.capacity ?? Infinity;
    const weight = payload.weight ?? 1;
    if (this.inHand + weight > capacity || this.status !== 'online') {
      const reason = this.status === 'online' ? 'AGENT_AT_CAPACITY' : 'AGENT_NOT_ACCEPTING';
      this.answer(
        envelope,
        failed(envelope, this.agentId, this.session, {
          code: reason,
          message: `agent '${this.agentId}' cannot take more tasks now`,
        }),
        NOTHING_HELD,
      );
      return undefined;
    }
    const task: AgentTask = {
      id: payload.taskId,
      type: payload.taskType,
      data: payload.data,
      requiredCapabilities: payload.requiredCapabilities,
      senderId: payload.senderId,
      priority: payload.priority,
      attempt: payload.attempt,
      weight,
    };
    this.inHand += weight;
    // A heavier task gives back its own weight; the usual one shares one function (no closure per task).
    const release =
      weight === 1
        ? this.release
        : () => {
            this.releaseUnits(weight);
          };
    const run = new TaskRun(this.agentId, payload.taskId, payload.attempt);
    let produced: ReturnType<TaskHandler>;
    try {
      produced = run.runHandler(this.handler, task, envelope, this.progressOutlet);
    } catch (error) {
      this.answer(envelope, this.failure(envelope, error), release);
      return undefined;
    }
    if (produced instanceof Promise) {
      this.attempts.hold(payload.fence);
      this.running.set(payload.taskId, run);
      return this.settleLater(envelope, produced, run, release);
    }
    // A synchronous handler's value is used as it is: no await, no extra turn, nothing for the transport to track.
    this.answer(envelope, this.outcome(envelope, produced), release);
    return undefined;
  }

  private async settleLater(
    envelope: EnvelopeOf<'task_request'>,
    produced: Promise<JsonValue | undefined>,
    run: TaskRun,
    release: () => void,
  ): Promise<void> {
    let payload: TaskResponsePayload;
    try {
      payload = this.outcome(envelope, await produced);
    } catch (error) {
      payload = this.failure(envelope, error);
    }
    if (this.running.get(run.taskId) === run) this.running.delete(run.taskId);
    clearTimeout(run.graceTimer);
    // The last progress report goes out before the answer (a cancelled attempt's is dropped).
    run.closeProgress();
    if (run.stuck) {
      this.stuck--;
      this.logger.info('a stuck handler settled at last: its slot is free', {
        agentId: this.agentId,
        taskId: run.taskId,
        attempt: run.attempt,
      });
    }
    // Nobody wants the answer of a cancelled attempt: the orchestrator would only refuse it.
    if (run.cancelled) {
      this.attempts.finish(envelope.payload.fence);
      release();
    } else this.answer(envelope, payload, release);
  }

  /**
   * task_cancel: aborts that attempt's signal. The slot is freed when the handler settles; one
   * still running after cancelGraceMs is reported stuck (and keeps its slot: the work may go on).
   */
  private cancel(taskId: string, attempt: number, reason: { code: string; message: string }): void {
    const run = this.running.get(taskId);
    if (run?.attempt !== attempt || run.cancelled) return;
    this.logger.info('the orchestrator cancelled a task: aborting its handler', {
      agentId: this.agentId,
      taskId,
      attempt,
      code: reason.code,
    });
    run.abort(new Error(`${reason.code}: ${reason.message}`), true);
    run.graceTimer = setTimeout(() => {
      run.graceTimer = undefined;
      if (this.running.get(taskId) !== run) return;
      run.stuck = true;
      this.stuck++;
      this.logger.warn('a handler ignored its cancellation: task stuck, its slot stays taken', {
        agentId: this.agentId,
        taskId,
        attempt,
        graceMs: this.options.cancelGraceMs,
        stuckTasks: this.stuck,
      });
    }, this.options.cancelGraceMs);
    run.graceTimer.unref();
  }

  /** The task's answer has gone out (or was given up on): it leaves the agent's hands. */
  private readonly release = (): void => {
    this.releaseUnits(1);
  };

  private releaseUnits(weight: number): void {
    this.inHand -= weight;
    if (this.inHand === 0) this.whenIdle?.();
  }

  private outcome(envelope: EnvelopeOf<'task_request'>, value: JsonValue | undefined): TaskResponsePayload {
    const result = value ?? null;
    if (isJsonValue(result))
      return {
        taskId: envelope.payload.taskId,
        attempt: envelope.payload.attempt,
        fence: envelope.payload.fence,
        agentId: this.agentId,
        status: 'completed',
        result,
        session: this.session,
      };
    const checked = JsonValueSchema.safeParse(result);
    const reason = checked.success ? 'not JSON' : ValidationError.fromZod(checked.error).message;
    return failed(envelope, this.agentId, this.session, {
      code: 'INVALID_RESULT',
      message: `the handler returned something that is not JSON: ${reason}`,
      permanent: true,
    });
  }

  private failure(envelope: EnvelopeOf<'task_request'>, error: unknown): TaskResponsePayload {
    return failed(
      envelope,
      this.agentId,
      this.session,
      error instanceof TaskFailure
        ? { code: error.code, message: error.message, permanent: error.permanent }
        : { code: 'HANDLER_ERROR', message: error instanceof Error ? error.message : String(error) },
    );
  }

  /**
   * Publishes the answer, then calls `settled` once it has gone out or was given up on (the
   * agent counts a task in hand until then, which stop() waits for). The first try costs one
   * promise and no async function: most answers leave at once. One that meets a closed
   * connection goes to answerAgain, which keeps it until the connection is back.
   */
  private answer(request: EnvelopeOf<'task_request'>, payload: TaskResponsePayload, settled: () => void): void {
    // The attempt leaves the agent's hands (a refusal was never in them).
    if (settled !== NOTHING_HELD) this.attempts.finish(payload.fence);
    const envelope: EnvelopeOf<'task_response'> = {
      id: nextEnvelopeId(),
      kind: 'task_response',
      from: this.address,
      to: request.from,
      priority: request.priority,
      // No correlationId: taskId and attempt name what this answers, and answers without one
      // can travel as a packed run (docs/protocol.md).
      sentAt: Date.now(),
      payload,
    };
    let published: Promise<void>;
    try {
      // Unconfirmed: nothing here would act on a receipt, and skipping it saves a message per task.
      published = this.transport.publish(envelope);
    } catch (error) {
      published = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    // Neither branch can reject: answerAgain logs what it gives up on, and `settled` runs either way.
    void published.then(settled, (error: unknown) => this.answerAgain(envelope, error).then(settled, settled));
  }

  /**
   * One progress report of a running attempt, to the orchestrator that sent it, fenced as its
   * answer will be. Fire-and-forget: a report that cannot go out is dropped (the next one, or
   * the answer, tells the rest), so a handler never sees a transport problem here.
   */
  private sendProgress(request: EnvelopeOf<'task_request'>, update: TaskProgressUpdate): void {
    const envelope: EnvelopeOf<'task_progress'> = {
      id: nextEnvelopeId(),
      kind: 'task_progress',
      from: this.address,
      to: request.from,
      // The answer's priority: on a transport that orders by it, the report stays ahead of the answer.
      priority: request.priority,
      sentAt: Date.now(),
      payload: {
        taskId: request.payload.taskId,
        attempt: request.payload.attempt,
        fence: request.payload.fence,
        agentId: this.agentId,
        session: this.session,
        ...update,
      },
    };
    const dropped = (error: unknown): void => {
      this.logger.debug('dropped a progress report that could not be sent', {
        agentId: this.agentId,
        taskId: request.payload.taskId,
        error: String(error),
      });
    };
    try {
      this.transport.publish(envelope).catch(dropped);
    } catch (error) {
      dropped(error);
    }
  }

  private async answerAgain(envelope: EnvelopeOf<'task_response'>, firstError: unknown): Promise<void> {
    const taskId = envelope.payload.taskId;
    const giveUpAt = Date.now() + this.options.answerRetryMs;
    let error = firstError;
    for (let tries = 2; ; tries++) {
      // The work is done: while the connection is only down (reconnecting), keep the answer and try again.
      const retryable =
        error instanceof CommunicationError &&
        error.code === 'TRANSPORT_CLOSED' &&
        this.subscription !== undefined &&
        Date.now() < giveUpAt;
      if (!retryable) {
        this.logger.error('could not deliver a task answer', { agentId: this.agentId, taskId, error: String(error) });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, ANSWER_RETRY_STEP_MS));
      try {
        await this.transport.publish(envelope);
        this.logger.info('delivered a task answer after the connection came back', {
          agentId: this.agentId,
          taskId,
          tries,
        });
        return;
      } catch (retryError) {
        error = retryError;
      }
    }
  }

  private request<K extends 'agent_register' | 'agent_unregister' | 'agent_status'>(
    kind: K,
    payload: EnvelopeOf<K>['payload'],
  ): Promise<OkAck> {
    const id = nextEnvelopeId();
    const envelope = {
      id,
      kind,
      from: this.address,
      to: ORCHESTRATOR_ADDRESS,
      priority: 'high',
      sentAt: Date.now(),
      payload,
    } as Envelope;
    return new Promise<OkAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new CommunicationError(
            'TIMEOUT',
            `The orchestrator did not answer ${kind} within ${String(this.options.requestTimeoutMs)} ms`,
          ),
        );
      }, this.options.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.transport.send(envelope).catch((error: unknown) => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }
}

function failed(
  request: EnvelopeOf<'task_request'>,
  agentId: string,
  session: string,
  error: { code: string; message: string; permanent?: boolean },
): TaskResponsePayload {
  return {
    taskId: request.payload.taskId,
    attempt: request.payload.attempt,
    fence: request.payload.fence,
    agentId,
    status: 'failed',
    error,
    session,
  };
}
