import type { Envelope, EnvelopeHandler, SwitchyardError, Transport, TransportSubscription } from '@switchyard/core';
import { AddressSchema, CommunicationError, decodeEnvelope, encodeEnvelope, parseInput } from '@switchyard/core';
import type { Msg, NatsConnection, NatsError, Subscription } from 'nats';
import { connect, ErrorCode, Events } from 'nats';
import { natsConnectionOptions } from './nats-connection-options.js';
import type { NatsTransportOptions, NatsTransportOptionsInput } from './nats-transport-options.js';
import { NatsTransportOptionsSchema } from './nats-transport-options.js';

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** The `nats` client's error codes this transport tells apart, as plain strings. */
const REFUSED_CREDENTIALS: ReadonlySet<string> = new Set<string>([ErrorCode.AuthorizationViolation, ErrorCode.AuthenticationExpired]);
const NO_RESPONDERS: string = ErrorCode.NoResponders;
const TIMED_OUT: string = ErrorCode.Timeout;
const CONNECTION_GONE: ReadonlySet<string> = new Set<string>([ErrorCode.ConnectionClosed, ErrorCode.ConnectionDraining, ErrorCode.Disconnect]);

/** The `nats` error code of an error, if it is one of the client's errors. */
function natsCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof (error as NatsError).code === 'string' ? (error as NatsError).code : undefined;
}

/**
 * The Transport over core NATS. Each address is a subject under the prefix
 * (`switchyard.agent.<id>`). A send is a NATS request: the receiving transport confirms receipt
 * with an empty reply before it runs the handler, and NATS answers "no responders" at once when
 * nobody subscribes, so send() keeps the port's contract (delivered, or UNKNOWN_ADDRESS).
 */
export class NatsTransport implements Transport {
  onerror?: (error: SwitchyardError) => void;
  readonly options: NatsTransportOptions;
  private state: State = 'idle';
  private connection: NatsConnection | undefined;
  private connected = false;
  private readonly subscriptions = new Set<Subscription>();
  private readonly running = new Set<Promise<void>>();

  constructor(options: NatsTransportOptionsInput) {
    this.options = parseInput(NatsTransportOptionsSchema, options, 'NATS transport options');
  }

  /** The NATS subject an address maps to. */
  subjectOf(address: string): string {
    return `${this.options.subjectPrefix}.${address}`;
  }

  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') return;
    this.state = 'starting';
    try {
      this.connection = await connect(natsConnectionOptions(this.options));
    } catch (error) {
      this.state = 'stopped';
      throw this.connectionFailure(error);
    }
    this.connected = true;
    this.state = 'running';
    void this.watchStatus(this.connection);
  }

  async stop(): Promise<void> {
    const connection = this.connection;
    if (this.state !== 'running' || connection === undefined) {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    // Stop taking messages but deliver those already received, let handlers finish (they may
    // still send), then close.
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.allSettled(subscriptions.map((subscription) => (connection.isClosed() ? Promise.resolve() : subscription.drain())));
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    this.state = 'stopped';
    this.connected = false;
    if (!connection.isClosed()) await connection.close();
  }

  async send(envelope: Envelope): Promise<void> {
    const connection = this.connection;
    if ((this.state !== 'running' && this.state !== 'stopping') || connection === undefined) {
      throw new CommunicationError('TRANSPORT_CLOSED', 'The transport is not running', { to: envelope.to });
    }
    if (!this.connected) {
      throw new CommunicationError('TRANSPORT_CLOSED', 'The NATS connection is down; it reconnects by itself', { to: envelope.to });
    }
    try {
      await connection.request(this.subjectOf(envelope.to), encoder.encode(encodeEnvelope(envelope)), { timeout: this.options.deliveryTimeoutMs });
    } catch (error) {
      throw this.deliveryFailure(error, envelope);
    }
  }

  async subscribe(address: string, handler: EnvelopeHandler): Promise<TransportSubscription> {
    const connection = this.connection;
    if (this.state !== 'running' || connection === undefined) {
      throw new CommunicationError('TRANSPORT_CLOSED', 'The transport is not running');
    }
    const parsedAddress = AddressSchema.safeParse(address);
    if (!parsedAddress.success) {
      throw new CommunicationError('DELIVERY_FAILED', `Cannot subscribe to '${address}': ${parsedAddress.error.issues[0]?.message ?? 'invalid address'}`);
    }
    const subscription = connection.subscribe(this.subjectOf(address), {
      callback: (error, message) => {
        if (error !== null) {
          this.report(new CommunicationError('DELIVERY_FAILED', `Subscription to '${address}' failed: ${error.message}`, {}, { cause: error }));
          return;
        }
        this.receive(message, handler);
      },
    });
    this.subscriptions.add(subscription);
    // The SUB is only buffered so far: a round trip makes sure nats-server has it before we say
    // "subscribed", or a send from another connection could still meet "no responders".
    await connection.flush();
    return {
      address,
      unsubscribe: async () => {
        if (!this.subscriptions.delete(subscription)) return;
        if (!connection.isClosed()) await subscription.drain();
      },
    };
  }

  /** Confirms receipt, validates, runs the handler; problems go to onerror, never to the sender. */
  private receive(message: Msg, handler: EnvelopeHandler): void {
    if (message.reply !== undefined && message.reply !== '') message.respond(EMPTY);
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(decoder.decode(message.data));
    } catch (error) {
      this.report(error);
      return;
    }
    try {
      const outcome = handler(envelope);
      if (outcome instanceof Promise) {
        const tracked: Promise<void> = outcome.then(
          () => {
            this.running.delete(tracked);
          },
          (error: unknown) => {
            this.running.delete(tracked);
            this.report(error);
          },
        );
        this.running.add(tracked);
      }
    } catch (error) {
      this.report(error);
    }
  }

  private async watchStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === Events.Disconnect) {
        this.connected = false;
        const server = typeof status.data === 'string' ? status.data : 'the server';
        this.report(new CommunicationError('TRANSPORT_CLOSED', `Lost the NATS connection to ${server}; reconnecting`));
      } else if (status.type === Events.Reconnect) {
        this.connected = true;
      }
    }
    this.connected = false;
  }

  private connectionFailure(error: unknown): CommunicationError {
    const servers = this.options.servers.join(', ');
    const code = natsCode(error);
    if (code !== undefined && REFUSED_CREDENTIALS.has(code)) {
      const how = this.options.credentials?.type ?? 'no credentials';
      return new CommunicationError('CONNECTION_FAILED', `NATS at ${servers} refused the credentials (${how}): check the transport.credentials section`, { servers: this.options.servers }, { cause: error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new CommunicationError('CONNECTION_FAILED', `Cannot connect to NATS at ${servers}: ${reason}`, { servers: this.options.servers }, { cause: error });
  }

  private deliveryFailure(error: unknown, envelope: Envelope): CommunicationError {
    const details = { to: envelope.to, kind: envelope.kind };
    const code = natsCode(error);
    if (code === NO_RESPONDERS) return new CommunicationError('UNKNOWN_ADDRESS', `Nobody listens at '${envelope.to}'`, details);
    if (code === TIMED_OUT) {
      return new CommunicationError('TIMEOUT', `'${envelope.to}' did not confirm receipt within ${String(this.options.deliveryTimeoutMs)} ms`, details);
    }
    if (code !== undefined && CONNECTION_GONE.has(code)) {
      return new CommunicationError('TRANSPORT_CLOSED', 'The NATS connection is closed or down', details, { cause: error });
    }
    return new CommunicationError('DELIVERY_FAILED', `Could not send to '${envelope.to}': ${error instanceof Error ? error.message : String(error)}`, details, { cause: error });
  }

  private report(error: unknown): void {
    const problem =
      error instanceof CommunicationError
        ? error
        : new CommunicationError('DELIVERY_FAILED', `A handler failed: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
    this.onerror?.(problem);
  }
}
