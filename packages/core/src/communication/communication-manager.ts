import { inject, injectable } from 'inversify';
import { TOKENS } from '../di/tokens.js';
import type { CoreOptions } from '../engine/core-options.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type {
  AckPayload,
  AnswerRefusedPayload,
  Envelope,
  EnvelopeKind,
  EnvelopeOf,
  TaskCancelPayload,
} from '../models/envelope.js';
import { ORCHESTRATOR_ADDRESS } from '../models/addresses.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { SummarizingLogger } from '../ports/summarizing-logger.js';
import type { Transport, TransportSubscription, UndeliveredHandler } from '../ports/transport.js';
import type { TaskRecord } from '../distribution/task-record.js';
import { nextEnvelopeId } from './envelope-id.js';

export type InboundHandlers = {
  readonly [K in EnvelopeKind]?: (envelope: EnvelopeOf<K>) => void | Promise<void>;
};

/** The orchestrator's side of the transport: addresses, envelopes out, envelopes in by kind. */
@injectable()
export class CommunicationManager {
  private subscription: TransportSubscription | undefined;
  private handlers: InboundHandlers = {};
  /** Warnings about what senders got wrong: per sender and interval, then summarised, so a junk flood cannot flood the log. */
  private readonly logger: SummarizingLogger;

  constructor(
    @inject(TOKENS.Transport) private readonly transport: Transport,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(TOKENS.CoreOptions) options: CoreOptions,
  ) {
    this.logger = new SummarizingLogger(logger, clock, {
      intervalMs: options.agents.warningIntervalMs,
      sendersPerInterval: options.agents.warningSendersPerInterval,
    });
  }

  get isRunning(): boolean {
    return this.subscription !== undefined;
  }

  async start(handlers: InboundHandlers): Promise<void> {
    if (this.subscription !== undefined) return;
    this.handlers = handlers;
    this.transport.onerror = (error) => {
      this.logger.warn('transport reported a problem', { code: error.code, error: error.message });
    };
    await this.transport.start();
    this.subscription = await this.transport.subscribe(ORCHESTRATOR_ADDRESS, (envelope) => this.dispatch(envelope));
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.unsubscribe();
    await this.transport.stop();
  }

  /** Hands a task to its assigned agent; resolves once the agent's transport has it. Not async: the transport's promise is the answer, one promise less per task. */
  sendTaskRequest(to: string, task: TaskRecord): Promise<void> {
    return this.transport.send(this.taskRequest(to, task));
  }

  /** Hands a task to its assigned agent without a promise: only a failure comes back, to `onFailure` (see Transport.sendDetached). */
  sendTaskRequestDetached(to: string, task: TaskRecord, onFailure: UndeliveredHandler): void {
    this.transport.sendDetached(this.taskRequest(to, task), onFailure);
  }

  private taskRequest(to: string, task: TaskRecord): Envelope {
    const envelope: EnvelopeOf<'task_request'> = {
      id: nextEnvelopeId(),
      kind: 'task_request',
      from: ORCHESTRATOR_ADDRESS,
      to,
      priority: task.priority,
      // Sent the moment it was assigned: that reading is fresh, no second one per task.
      sentAt: task.assignedAt ?? this.clock.now(),
      payload: {
        taskId: task.id,
        attempt: task.attempts,
        fence: task.fence,
        taskType: task.type,
        requiredCapabilities: task.requiredCapabilities as string[],
        data: task.data,
        senderId: task.senderId,
        priority: task.priority,
      },
    };
    // Added only when it is not the default: the usual request keeps its shape (and its size on the wire).
    if (task.weight !== 1) envelope.payload.weight = task.weight;
    return envelope;
  }

  /** Tells an agent an attempt ended without its answer (task_cancel). Unconfirmed and best effort: an agent that is gone only costs a log line. */
  sendTaskCancel(to: string, payload: TaskCancelPayload): void {
    this.tellAgent(to, 'task_cancel', payload);
  }

  /** Tells an agent its answer was not booked (answer_refused); best effort, as sendTaskCancel. */
  sendAnswerRefused(to: string, payload: AnswerRefusedPayload): void {
    this.tellAgent(to, 'answer_refused', payload);
  }

  private tellAgent<K extends 'task_cancel' | 'answer_refused'>(
    to: string,
    kind: K,
    payload: EnvelopeOf<K>['payload'],
  ): void {
    const envelope = {
      id: nextEnvelopeId(),
      kind,
      from: ORCHESTRATOR_ADDRESS,
      to,
      priority: 'high',
      sentAt: this.clock.now(),
      payload,
    } as Envelope;
    let published: Promise<void>;
    try {
      published = this.transport.publish(envelope);
    } catch (error) {
      published = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    published.catch((error: unknown) => {
      this.logger.debug(`could not send ${kind}`, { to, taskId: payload.taskId, error: String(error) });
    });
  }

  /** Answers a request envelope (unconfirmed: the answer is the confirmation); a requester that is gone only costs a log line. */
  async sendAck(request: Envelope, ack: AckPayload): Promise<void> {
    try {
      await this.transport.publish({
        id: nextEnvelopeId(),
        kind: 'ack',
        from: ORCHESTRATOR_ADDRESS,
        to: request.from,
        priority: request.priority,
        correlationId: request.id,
        sentAt: this.clock.now(),
        payload: ack,
      });
    } catch (error) {
      this.logger.warn('could not acknowledge a request', {
        to: request.from,
        kind: request.kind,
        error: String(error),
      });
    }
  }

  /**
   * Runs the handler for the envelope's kind. Not async: a synchronous handler (a task answer is
   * booked synchronously) then costs no promise, and the transport has nothing to track.
   */
  private dispatch(envelope: Envelope): Promise<void> | undefined {
    const handler = this.handlers[envelope.kind] as ((envelope: Envelope) => void | Promise<void>) | undefined;
    if (handler === undefined) {
      this.logger.warn('ignored an envelope of a kind the orchestrator does not take', {
        kind: envelope.kind,
        from: envelope.from,
      });
      return undefined;
    }
    try {
      const outcome = handler(envelope);
      return outcome instanceof Promise
        ? outcome.catch((error: unknown) => {
            this.rejected(envelope, error);
          })
        : undefined;
    } catch (error) {
      this.rejected(envelope, error);
      return undefined;
    }
  }

  private rejected(envelope: Envelope, error: unknown): void {
    const fields =
      error instanceof SwitchyardError ? { code: error.code, error: error.message } : { error: String(error) };
    this.logger.warn('rejected an envelope', { kind: envelope.kind, from: envelope.from, ...fields });
  }
}
