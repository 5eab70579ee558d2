import type { SwitchyardError } from '@switchyard/core';
import type {
  Envelope,
  EnvelopeHandler,
  Transport,
  TransportSubscription,
  UndeliveredHandler,
} from '@switchyard/core/internal';
import { CommunicationError } from '@switchyard/core';
import {
  AddressSchema,
  decodeEnvelopeBatch,
  encodeEnvelope,
  encodeEnvelopeBatch,
  HandlerRuns,
  ORCHESTRATOR_ADDRESS,
  parseInput,
} from '@switchyard/core/internal';
import type { Msg, NatsConnection, NatsError, Subscription } from 'nats';
import { connect, createInbox, ErrorCode, Events } from 'nats';
import { ChunkedInbox } from './chunked-inbox.js';
import { natsConnectionOptions } from './nats-connection-options.js';
import type { NatsTransportOptions, NatsTransportOptionsInput } from './nats-transport-options.js';
import { NatsTransportOptionsSchema } from './nats-transport-options.js';

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

const decoder = new TextDecoder();

/**
 * Most UTF-16 characters of JSON in one coalesced message: even at three UTF-8 bytes each it
 * stays well under nats-server's default 1 MB max_payload.
 */
const MAX_BATCH_CHARACTERS = 128 * 1024;

/** Envelopes for one subject waiting to leave together. */
interface Outbox {
  /** The receivers' address, and its subject. */
  readonly address: string;
  readonly subject: string;
  /** Encoded only when the batch leaves: one JSON.stringify for all of them. */
  readonly envelopes: Envelope[];
  /** Set when a send is in the batch: the reply subject nats-server answers with "no responders". */
  token: string | undefined;
  /** Settles the batch's sends once the server has routed it. */
  routed: Deferred | undefined;
  /** The verdict for the batch's sends: nats-server said "no responders". */
  nobodyListens: boolean;
  /** Envelopes of the batch that could not be encoded, with why: their sends fail. */
  unencodable: Map<Envelope, unknown> | undefined;
  /** The batch's envelopes from sendDetached, and (same index) whom to tell if one is not delivered. */
  detached: Envelope[] | undefined;
  onFailure: UndeliveredHandler[] | undefined;
}

interface Deferred extends Promise<void> {
  resolve(): void;
  reject(error: Error): void;
}

/** A promise with its settle functions on it. */
function deferred(): Deferred {
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const promise = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  return Object.assign(promise, settle);
}

/**
 * Most envelopes per NATS message: a burst to one subject is encoded a slice at a time, so no
 * huge string is built only to be found too big.
 */
const MAX_BATCH_ENVELOPES = 256;

/**
 * The bodies of the NATS messages that carry a batch, in order: one per MAX_BATCH_ENVELOPES,
 * each a single JSON.stringify, unless it would pass MAX_BATCH_CHARACTERS or an envelope cannot
 * be encoded (a cycle, a BigInt); then (rarely) each envelope of that slice is encoded on its
 * own, the unencodable ones go to `refuse`, and the rest are packed greedily.
 */
function batchBodies(
  envelopes: readonly Envelope[],
  packRuns: boolean,
  refuse: (envelope: Envelope, error: unknown) => void,
): string[] {
  const bodies: string[] = [];
  for (let start = 0; start < envelopes.length; start += MAX_BATCH_ENVELOPES) {
    const slice =
      envelopes.length <= MAX_BATCH_ENVELOPES ? envelopes : envelopes.slice(start, start + MAX_BATCH_ENVELOPES);
    let whole: string | undefined;
    try {
      whole = encodeEnvelopeBatch(slice, packRuns);
    } catch {
      whole = undefined;
    }
    if (whole !== undefined && (whole.length <= MAX_BATCH_CHARACTERS || slice.length === 1)) bodies.push(whole);
    else packEachEnvelope(slice, bodies, refuse);
  }
  return bodies;
}

/** Encodes each envelope on its own and packs them in order into bodies of at most MAX_BATCH_CHARACTERS. */
function packEachEnvelope(
  envelopes: readonly Envelope[],
  bodies: string[],
  refuse: (envelope: Envelope, error: unknown) => void,
): void {
  let part: string[] = [];
  let length = 0;
  for (const envelope of envelopes) {
    let encoded: string;
    try {
      encoded = encodeEnvelope(envelope);
    } catch (error) {
      refuse(envelope, error);
      continue;
    }
    if (part.length > 0 && length + encoded.length + 1 > MAX_BATCH_CHARACTERS) {
      bodies.push(part.length === 1 ? (part[0] ?? '') : `[${part.join(',')}]`);
      part = [];
      length = 0;
    }
    part.push(encoded);
    length += encoded.length + 1;
  }
  if (part.length > 0) bodies.push(part.length === 1 ? (part[0] ?? '') : `[${part.join(',')}]`);
}

/** Addresses remembered as reading packed runs: a bound, so made-up senders cannot grow it without end. */
const MAX_RUN_READERS = 65_536;

/** The `nats` client's error codes this transport tells apart, as plain strings. */
const REFUSED_CREDENTIALS: ReadonlySet<string> = new Set<string>([
  ErrorCode.AuthorizationViolation,
  ErrorCode.AuthenticationExpired,
]);
const CONNECTION_GONE: ReadonlySet<string> = new Set<string>([
  ErrorCode.ConnectionClosed,
  ErrorCode.ConnectionDraining,
  ErrorCode.Disconnect,
]);

/** The `nats` error code of an error, if it is one of the client's errors. */
function natsCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof (error as NatsError).code === 'string'
    ? (error as NatsError).code
    : undefined;
}

/**
 * The Transport over core NATS. Each address is a subject under the prefix
 * (`switchyard.agent.<id>`). Receivers never reply. A send publishes with a reply subject on this
 * connection's own inbox and then makes one PING round trip to nats-server: the server routes
 * messages in order, and when nobody subscribes it answers the reply subject with "no responders"
 * (status 503) before the PONG. So after the PONG the envelope has either been routed to a
 * subscriber's connection (delivered) or is known undeliverable (UNKNOWN_ADDRESS) — at the cost
 * of one server round trip shared by every send of the same moment, and no extra message through
 * the receiver. sendDetached shares that round trip and reports only failures; a publish skips it.
 */
export class NatsTransport implements Transport {
  onerror?: (error: SwitchyardError) => void;
  readonly options: NatsTransportOptions;
  private state: State = 'idle';
  private connection: NatsConnection | undefined;
  private connected = false;
  private readonly subscriptions = new Map<Subscription, ChunkedInbox>();
  private readonly handlerRuns = new HandlerRuns((error) => this.onerror?.(error));
  /** Reply subjects of sends waiting for their routing check, by token; true once "no responders" came back. */
  private readonly routing = new Map<string, boolean>();
  private replyPrefix = '';
  private sendCounter = 0;
  /** Envelopes waiting for this tick's end, per address, in the order they were sent. */
  private outboxes = new Map<string, Outbox>();
  /**
   * Addresses known to read packed runs: every orchestrator does, and any address that sent us
   * one (docs/protocol.md). An address that stops listening is forgotten, in case what listens
   * there next is an agent that does not.
   */
  private readonly runReaders = new Set<string>([ORCHESTRATOR_ADDRESS]);
  private flushScheduled = false;

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
    this.replyPrefix = `${createInbox(this.options.inboxPrefix)}.`;
    this.connection.subscribe(`${this.replyPrefix}*`, {
      callback: (_error, message) => {
        // nats-server's "no responders": a status-only message with code 503.
        const token = message.subject.slice(this.replyPrefix.length);
        if (message.headers?.code === 503 && this.routing.has(token)) this.routing.set(token, true);
      },
    });
    await this.connection.flush();
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
    await Promise.allSettled(
      subscriptions.map(([subscription]) => (connection.isClosed() ? Promise.resolve() : subscription.drain())),
    );
    await Promise.all(subscriptions.map(([, inbox]) => inbox.whenEmpty()));
    await this.handlerRuns.settled();
    // Whatever the handlers sent last leaves before the connection closes.
    if (this.flushScheduled) this.flushOutboxes();
    this.state = 'stopped';
    this.connected = false;
    if (!connection.isClosed()) await connection.close();
  }

  async send(envelope: Envelope): Promise<void> {
    const refusal = this.closedRefusal(envelope);
    if (refusal !== undefined) throw refusal;
    const outbox = this.enqueue(envelope);
    this.checkRouting(outbox);
    try {
      await (outbox.routed ??= deferred());
    } catch (error) {
      throw this.deliveryFailure(error, envelope);
    }
    if (outbox.unencodable?.has(envelope) === true)
      throw this.deliveryFailure(outbox.unencodable.get(envelope), envelope);
    if (outbox.nobodyListens) throw this.nobodyListens(envelope);
  }

  sendDetached(envelope: Envelope, onFailure: UndeliveredHandler): void {
    const refusal = this.closedRefusal(envelope);
    if (refusal !== undefined) {
      queueMicrotask(() => {
        this.tell(onFailure, envelope, refusal);
      });
      return;
    }
    const outbox = this.enqueue(envelope);
    this.checkRouting(outbox);
    (outbox.detached ??= []).push(envelope);
    (outbox.onFailure ??= []).push(onFailure);
  }

  /** TRANSPORT_CLOSED when nothing can be sent now, else undefined. */
  private closedRefusal(envelope: Envelope): CommunicationError | undefined {
    if ((this.state !== 'running' && this.state !== 'stopping') || this.connection === undefined) {
      return new CommunicationError('TRANSPORT_CLOSED', 'The transport is not running', { to: envelope.to });
    }
    if (!this.connected)
      return new CommunicationError('TRANSPORT_CLOSED', 'The NATS connection is down; it reconnects by itself', {
        to: envelope.to,
      });
    return undefined;
  }

  /** Makes the batch leave with a reply subject, so nats-server says "no responders" if nobody listens. */
  private checkRouting(outbox: Outbox): void {
    if (outbox.token !== undefined) return;
    this.sendCounter++;
    outbox.token = this.sendCounter.toString(36);
    this.routing.set(outbox.token, false);
  }

  private nobodyListens(envelope: Envelope): CommunicationError {
    return new CommunicationError('UNKNOWN_ADDRESS', `Nobody listens at '${envelope.to}'`, {
      to: envelope.to,
      kind: envelope.kind,
    });
  }

  /** Tells a sendDetached caller its envelope was not delivered; a handler that throws is reported, never thrown. */
  private tell(onFailure: UndeliveredHandler, envelope: Envelope, error: Error): void {
    try {
      onFailure(envelope, error);
    } catch (failure) {
      this.handlerRuns.fail(failure);
    }
  }

  /** Tells every detached envelope of the batch (but those already told they could not be encoded) why it was not delivered. */
  private failDetached(outbox: Outbox, failure: unknown): void {
    const { detached, onFailure } = outbox;
    if (detached === undefined || onFailure === undefined) return;
    for (let index = 0; index < detached.length; index++) {
      const envelope = detached[index] as Envelope;
      if (outbox.unencodable?.has(envelope) === true) continue;
      this.tell(
        onFailure[index] as UndeliveredHandler,
        envelope,
        failure === undefined ? this.nobodyListens(envelope) : this.deliveryFailure(failure, envelope),
      );
    }
  }

  /**
   * Queues an envelope for its subject; everything queued in the same tick leaves as one NATS
   * message (a JSON array when there are several, which receivers take in order). At one
   * envelope in flight the flush comes at the end of the same tick, so nothing waits for
   * company; under load one message, one parse and one server hop carry many envelopes.
   */
  private enqueue(envelope: Envelope): Outbox {
    // Keyed by address, not subject: the subject would be a new string to hash for every envelope.
    const address = envelope.to;
    let outbox = this.outboxes.get(address);
    if (outbox === undefined) {
      outbox = {
        address,
        subject: this.subjectOf(address),
        envelopes: [],
        token: undefined,
        routed: undefined,
        nobodyListens: false,
        unencodable: undefined,
        detached: undefined,
        onFailure: undefined,
      };
      this.outboxes.set(address, outbox);
    }
    outbox.envelopes.push(envelope);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushOutboxes);
    }
    return outbox;
  }

  /** Publishes every queued batch, then lets their sends learn (after one PING/PONG) whether they were routed. */
  private readonly flushOutboxes = (): void => {
    this.flushScheduled = false;
    const connection = this.connection;
    const outboxes = [...this.outboxes.values()];
    // A new Map rather than clear(): a cleared Map's old table links to its new one, and once the
    // table is in the old generation that keeps every later batch alive through young
    // collections (see SlabMap in core).
    this.outboxes = new Map();
    if (connection === undefined) return;
    for (const outbox of outboxes) this.publishOutbox(connection, outbox);
    void this.confirmOutboxes(connection, outboxes);
  };

  private publishOutbox(connection: NatsConnection, outbox: Outbox): void {
    const options = outbox.token === undefined ? undefined : { reply: this.replyPrefix + outbox.token };
    try {
      // Buffer.from encodes a little faster than TextEncoder; nats.js copies it into its outbound buffer.
      const bodies = batchBodies(outbox.envelopes, this.runReaders.has(outbox.address), (envelope, error) => {
        this.refuse(outbox, envelope, error);
      });
      for (const body of bodies) connection.publish(outbox.subject, Buffer.from(body), options);
    } catch (error) {
      outbox.routed?.reject(error instanceof Error ? error : new Error(String(error)));
      outbox.routed = undefined;
      if (outbox.token !== undefined) this.routing.delete(outbox.token);
      // Settled here: the round trip has nothing left to confirm for this batch.
      outbox.token = undefined;
      this.failDetached(outbox, error);
      this.handlerRuns.fail(
        new CommunicationError(
          'DELIVERY_FAILED',
          `Could not publish to '${outbox.subject}': ${error instanceof Error ? error.message : String(error)}`,
          {},
          { cause: error },
        ),
      );
    }
  }

  /** An envelope that cannot be encoded: reported (a publish has nobody else to tell), and its send fails. */
  private refuse(outbox: Outbox, envelope: Envelope, error: unknown): void {
    (outbox.unencodable ??= new Map()).set(envelope, error);
    const failure = this.deliveryFailure(error, envelope);
    this.handlerRuns.fail(failure);
    const index = outbox.detached?.indexOf(envelope) ?? -1;
    if (index >= 0) this.tell(outbox.onFailure?.[index] as UndeliveredHandler, envelope, failure);
  }

  /** Settles the sends waiting on these batches once nats-server has answered a PING sent after them. */
  private async confirmOutboxes(connection: NatsConnection, outboxes: readonly Outbox[]): Promise<void> {
    const waiting = outboxes.filter((outbox) => outbox.token !== undefined);
    if (waiting.length === 0) return;
    let failure: Error | undefined;
    try {
      await this.serverRoundTrip(connection);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    for (const outbox of waiting) {
      if (outbox.token !== undefined) {
        outbox.nobodyListens = this.routing.get(outbox.token) === true;
        this.routing.delete(outbox.token);
        if (outbox.nobodyListens && outbox.address !== ORCHESTRATOR_ADDRESS) this.runReaders.delete(outbox.address);
      }
      if (failure === undefined) outbox.routed?.resolve();
      else outbox.routed?.reject(failure);
      if (failure !== undefined || outbox.nobodyListens) this.failDetached(outbox, failure);
    }
  }

  /**
   * One PING/PONG with nats-server. Called right after a tick's batches are published, so the
   * PING shares their socket write and its PONG vouches for all of them.
   */
  private serverRoundTrip(connection: NatsConnection): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new CommunicationError(
            'TIMEOUT',
            `nats-server did not answer within ${String(this.options.deliveryTimeoutMs)} ms`,
          ),
        );
      }, this.options.deliveryTimeoutMs);
      connection.flush().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Queued like a send but nobody waits for the server: no reply subject unless a send shares the batch. */
  publish(envelope: Envelope): Promise<void> {
    const connection = this.connection;
    if ((this.state !== 'running' && this.state !== 'stopping') || connection === undefined || !this.connected) {
      return Promise.reject(
        new CommunicationError('TRANSPORT_CLOSED', 'The NATS connection is not up', { to: envelope.to }),
      );
    }
    this.enqueue(envelope);
    return Promise.resolve();
  }

  async subscribe(address: string, handler: EnvelopeHandler): Promise<TransportSubscription> {
    const connection = this.connection;
    if (this.state !== 'running' || connection === undefined) {
      throw new CommunicationError('TRANSPORT_CLOSED', 'The transport is not running');
    }
    const parsedAddress = AddressSchema.safeParse(address);
    if (!parsedAddress.success) {
      throw new CommunicationError(
        'DELIVERY_FAILED',
        `Cannot subscribe to '${address}': ${parsedAddress.error.issues[0]?.message ?? 'invalid address'}`,
      );
    }
    const inbox = new ChunkedInbox(handler, (each, envelope) => {
      this.handlerRuns.run(each, envelope);
    });
    const subscription = connection.subscribe(this.subjectOf(address), {
      callback: (error, message) => {
        if (error !== null) {
          this.handlerRuns.fail(
            new CommunicationError(
              'DELIVERY_FAILED',
              `Subscription to '${address}' failed: ${error.message}`,
              {},
              { cause: error },
            ),
          );
          return;
        }
        this.receive(message, inbox);
      },
    });
    this.subscriptions.set(subscription, inbox);
    // The SUB is only buffered so far: a round trip makes sure nats-server has it before we say
    // "subscribed", or a send from another connection could still meet "no responders".
    await connection.flush();
    return {
      address,
      unsubscribe: async () => {
        if (!this.subscriptions.delete(subscription)) return;
        if (!connection.isClosed()) await subscription.drain();
        await inbox.whenEmpty();
      },
    };
  }

  /**
   * Validates each envelope of the message (one, a packed run, or a JSON array of those from a
   * coalescing sender) and queues the valid ones for the handler in order; problems go to
   * onerror, never to the sender. A sender of packed runs reads them too: its address is noted.
   */
  private receive(message: Msg, inbox: ChunkedInbox): void {
    const { envelopes, problems, runSenders } = decodeEnvelopeBatch(decoder.decode(message.data));
    for (const problem of problems) this.handlerRuns.fail(problem);
    for (const sender of runSenders) if (this.runReaders.size < MAX_RUN_READERS) this.runReaders.add(sender);
    inbox.receive(envelopes);
  }

  private async watchStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === Events.Disconnect) {
        this.connected = false;
        const server = typeof status.data === 'string' ? status.data : 'the server';
        this.handlerRuns.fail(
          new CommunicationError('TRANSPORT_CLOSED', `Lost the NATS connection to ${server}; reconnecting`),
        );
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
      return new CommunicationError(
        'CONNECTION_FAILED',
        `NATS at ${servers} refused the credentials (${how}): check the transport.credentials section`,
        { servers: this.options.servers },
        { cause: error },
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new CommunicationError(
      'CONNECTION_FAILED',
      `Cannot connect to NATS at ${servers}: ${reason}`,
      { servers: this.options.servers },
      { cause: error },
    );
  }

  private deliveryFailure(error: unknown, envelope: Envelope): CommunicationError {
    const details = { to: envelope.to, kind: envelope.kind };
    if (error instanceof CommunicationError) return error;
    const code = natsCode(error);
    if (code !== undefined && CONNECTION_GONE.has(code)) {
      return new CommunicationError('TRANSPORT_CLOSED', 'The NATS connection is closed or down', details, {
        cause: error,
      });
    }
    return new CommunicationError(
      'DELIVERY_FAILED',
      `Could not send to '${envelope.to}': ${error instanceof Error ? error.message : String(error)}`,
      details,
      { cause: error },
    );
  }
}
