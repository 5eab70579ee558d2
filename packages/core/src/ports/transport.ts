import type { SwitchyardError } from '../errors/switchyard-error.js';
import type { Envelope } from '../models/envelope.js';

/** Receives envelopes in the order each sender sent them. A returned promise is awaited on stop. */
export type EnvelopeHandler = (envelope: Envelope) => void | Promise<void>;

/** Called by sendDetached when its envelope turns out undeliverable, with the error send would have rejected with. */
export type UndeliveredHandler = (envelope: Envelope, error: Error) => void;

export interface TransportSubscription {
  readonly address: string;
  /** Stops delivery to this handler; envelopes already handed over still finish. */
  unsubscribe(): Promise<void>;
}

/**
 * How envelopes travel. One connection per party (orchestrator, each agent); every
 * implementation passes the conformance suite in @switchyard/testing.
 *
 * - `send` resolves once a subscriber at `envelope.to` has the envelope, and rejects with a
 *   CommunicationError when nobody listens there (`UNKNOWN_ADDRESS`), the transport is not
 *   running (`TRANSPORT_CLOSED`) or hand-over fails. Envelopes are validated on receipt, so a
 *   handler only ever sees a valid Envelope.
 * - `sendDetached` is `send` for a caller that acts only on failure, as the distributor does for
 *   every task: no promise and no turn per envelope. `onFailure` is called at most once, never
 *   from inside the call, with the error `send` would have rejected with; it never throws.
 * - `publish` hands an envelope over without waiting for the receiver: it resolves whether or not
 *   anyone listens, and rejects only when the transport cannot send at all (`TRANSPORT_CLOSED`).
 *   It is for answers whose sender does nothing with a confirmation (task responses, acks), and
 *   saves a receipt message per envelope on transports that need one.
 * - Per sender and address, envelopes arrive in the order they were sent (send and publish alike).
 * - `stop` stops taking envelopes, delivers what was already accepted, waits for running
 *   handlers (which may still send), then refuses sends; it is idempotent.
 */
export interface Transport {
  start(): Promise<void>;
  stop(): Promise<void>;
  send(envelope: Envelope): Promise<void>;
  sendDetached(envelope: Envelope, onFailure: UndeliveredHandler): void;
  publish(envelope: Envelope): Promise<void>;
  subscribe(address: string, handler: EnvelopeHandler): Promise<TransportSubscription>;
  /** Problems met outside any call: malformed messages (dropped), handlers that threw, connection loss. */
  onerror?: (error: SwitchyardError) => void;
}
