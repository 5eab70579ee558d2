import type { SwitchyardError } from '../errors/switchyard-error.js';
import { CommunicationError } from '../errors/communication-error.js';
import type { Envelope } from '../models/envelope.js';
import type { EnvelopeHandler, Transport, TransportSubscription, UndeliveredHandler } from '../ports/transport.js';

/**
 * Core's own test double for the Transport port (core may not depend on a real transport):
 * records what is sent, refuses addresses it is told are unreachable, and lets a test push
 * envelopes to the subscribed handlers as if they came from the wire.
 */
export class RecordingTransport implements Transport {
  onerror?: (error: SwitchyardError) => void;
  readonly sent: Envelope[] = [];
  readonly unreachable = new Set<string>();
  /** Addresses whose sends fail with the given error (as a transport that could not confirm the hand-over). */
  readonly failing = new Map<string, CommunicationError>();
  private readonly handlers = new Map<string, EnvelopeHandler>();
  private running = false;

  start(): Promise<void> {
    this.running = true;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.running = false;
    return Promise.resolve();
  }

  send(envelope: Envelope): Promise<void> {
    if (!this.running) return Promise.reject(new CommunicationError('TRANSPORT_CLOSED', 'not running'));
    if (this.unreachable.has(envelope.to))
      return Promise.reject(new CommunicationError('UNKNOWN_ADDRESS', `nobody at ${envelope.to}`));
    const failure = this.failing.get(envelope.to);
    if (failure !== undefined) return Promise.reject(failure);
    this.sent.push(envelope);
    return Promise.resolve();
  }

  sendDetached(envelope: Envelope, onFailure: UndeliveredHandler): void {
    this.send(envelope).catch((error: unknown) => {
      onFailure(envelope, error as Error);
    });
  }

  publish(envelope: Envelope): Promise<void> {
    if (!this.running) return Promise.reject(new CommunicationError('TRANSPORT_CLOSED', 'not running'));
    if (!this.unreachable.has(envelope.to)) this.sent.push(envelope);
    return Promise.resolve();
  }

  subscribe(address: string, handler: EnvelopeHandler): Promise<TransportSubscription> {
    this.handlers.set(address, handler);
    return Promise.resolve({
      address,
      unsubscribe: () => {
        this.handlers.delete(address);
        return Promise.resolve();
      },
    });
  }

  /** Delivers an envelope to the handler at its address, as an incoming message would be. */
  async inject(envelope: Envelope): Promise<void> {
    const handler = this.handlers.get(envelope.to);
    if (handler === undefined) throw new Error(`no handler at ${envelope.to}`);
    await handler(envelope);
  }

  /** The task_request envelopes sent so far. */
  taskRequests(): Extract<Envelope, { kind: 'task_request' }>[] {
    return this.sent.filter(
      (envelope): envelope is Extract<Envelope, { kind: 'task_request' }> => envelope.kind === 'task_request',
    );
  }
}
