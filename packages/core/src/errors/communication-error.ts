import { SwitchyardError } from './switchyard-error.js';

export type CommunicationErrorCode =
  /** Nobody is subscribed at the destination address. */
  | 'UNKNOWN_ADDRESS'
  /** The transport is not started, was stopped, or its connection is down (it reconnects by itself). */
  | 'TRANSPORT_CLOSED'
  /** The transport could not connect at start (unreachable server, refused credentials, bad TLS). */
  | 'CONNECTION_FAILED'
  /** No answer arrived in time. */
  | 'TIMEOUT'
  /** A message that is not a valid envelope reached the transport. */
  | 'MALFORMED_MESSAGE'
  /** The transport failed to hand the message over for another reason. */
  | 'DELIVERY_FAILED';

export class CommunicationError extends SwitchyardError {
  readonly code: CommunicationErrorCode;

  constructor(
    code: CommunicationErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, details, options);
    this.code = code;
  }
}
