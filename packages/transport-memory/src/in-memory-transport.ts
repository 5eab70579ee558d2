import type { SwitchyardError } from '@switchyard/core';
import type {
  Envelope,
  EnvelopeHandler,
  Transport,
  TransportSubscription,
  UndeliveredHandler,
} from '@switchyard/core/internal';
import { CommunicationError } from '@switchyard/core';
import { AddressSchema, HandlerRuns, validateEnvelope } from '@switchyard/core/internal';
import { MemoryBus } from './memory-bus.js';

type State = 'idle' | 'running' | 'stopping' | 'stopped';

/** The answer of every accepted send and publish: one settled promise, shared, instead of a new one per envelope. */
const ACCEPTED: Promise<void> = Promise.resolve();

/** One subscriber's inbox: FIFO, drained on a microtask so a send never runs the handler inside the sender's call. */
class Inbox {
  private readonly queue: unknown[] = [];
  private scheduled = false;
  private readonly emptyWaiters: (() => void)[] = [];

  constructor(
    private readonly handler: EnvelopeHandler,
    private readonly transport: InMemoryTransport,
  ) {}

  receive = (message: unknown): void => {
    this.queue.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.drain);
    }
  };

  /** Resolves when everything already received has been handed to the handler. */
  whenEmpty(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve) => {
      this.emptyWaiters.push(resolve);
    });
  }

  private readonly drain = (): void => {
    // Every message in the queue goes out in order, including ones that arrive meanwhile.
    for (let index = 0; index < this.queue.length; index++) this.transport.deliver(this.handler, this.queue[index]);
    this.queue.length = 0;
    this.scheduled = false;
    for (const resolve of this.emptyWaiters.splice(0)) resolve();
  };
}

/**
 * A connection to a MemoryBus: the embedded default transport. Envelopes stay in the process;
 * they are validated on receipt like on any wire, and delivered asynchronously in order.
 */
export class InMemoryTransport implements Transport {
  onerror?: (error: SwitchyardError) => void;
  private state: State = 'idle';
  private readonly subscriptions = new Set<{ inbox: Inbox; unsubscribe: () => void }>();
  private readonly handlerRuns = new HandlerRuns((error) => this.onerror?.(error));

  constructor(readonly bus: MemoryBus = new MemoryBus()) {}

  start(): Promise<void> {
    if (this.state === 'stopping')
      return Promise.reject(new CommunicationError('TRANSPORT_CLOSED', 'The transport is stopping'));
    this.state = 'running';
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    for (const subscription of subscriptions) subscription.unsubscribe();
    // Deliver what was already accepted, then wait for the handlers still running.
    await Promise.all(subscriptions.map((subscription) => subscription.inbox.whenEmpty()));
    await this.handlerRuns.settled();
    this.state = 'stopped';
  }

  send(envelope: Envelope): Promise<void> {
    const refusal = this.hand(envelope);
    return refusal === undefined ? ACCEPTED : Promise.reject(refusal);
  }

  sendDetached(envelope: Envelope, onFailure: UndeliveredHandler): void {
    const refusal = this.hand(envelope);
    if (refusal === undefined) return;
    queueMicrotask(() => {
      try {
        onFailure(envelope, refusal);
      } catch (error) {
        this.handlerRuns.fail(error);
      }
    });
  }

  /** Puts the envelope on the bus, or says why it cannot go. */
  private hand(envelope: Envelope): CommunicationError | undefined {
    // While stopping, handlers still finishing may answer; only a stopped transport refuses.
    if (this.state !== 'running' && this.state !== 'stopping') {
      return new CommunicationError('TRANSPORT_CLOSED', 'The transport is not running', { to: envelope.to });
    }
    if (this.bus.publish(envelope.to, envelope) === 0) {
      return new CommunicationError('UNKNOWN_ADDRESS', `Nobody listens at '${envelope.to}'`, {
        to: envelope.to,
        kind: envelope.kind,
      });
    }
    return undefined;
  }

  publish(envelope: Envelope): Promise<void> {
    if (this.state !== 'running' && this.state !== 'stopping') {
      return Promise.reject(
        new CommunicationError('TRANSPORT_CLOSED', 'The transport is not running', { to: envelope.to }),
      );
    }
    this.bus.publish(envelope.to, envelope);
    return ACCEPTED;
  }

  subscribe(address: string, handler: EnvelopeHandler): Promise<TransportSubscription> {
    if (this.state !== 'running')
      return Promise.reject(new CommunicationError('TRANSPORT_CLOSED', 'The transport is not running'));
    const parsedAddress = AddressSchema.safeParse(address);
    if (!parsedAddress.success) {
      return Promise.reject(
        new CommunicationError(
          'DELIVERY_FAILED',
          `Cannot subscribe to '${address}': ${parsedAddress.error.issues[0]?.message ?? 'invalid address'}`,
        ),
      );
    }
    const inbox = new Inbox(handler, this);
    const entry = { inbox, unsubscribe: this.bus.subscribe(address, inbox.receive) };
    this.subscriptions.add(entry);
    return Promise.resolve({
      address,
      unsubscribe: async () => {
        if (!this.subscriptions.delete(entry)) return;
        entry.unsubscribe();
        await inbox.whenEmpty();
      },
    });
  }

  /** Validates one received message and runs the handler; problems go to onerror, never to the sender. */
  deliver(handler: EnvelopeHandler, message: unknown): void {
    let envelope: Envelope;
    try {
      envelope = validateEnvelope(message);
    } catch (error) {
      this.handlerRuns.fail(error);
      return;
    }
    this.handlerRuns.run(handler, envelope);
  }
}
