import type { Transport } from '@switchyard/core/internal';

/** What the conformance suite needs from a transport implementation under test. */
export interface TransportFixture {
  /** A new, unstarted connection to the same medium (bus, server) as every other from this fixture. */
  connect(): Transport | Promise<Transport>;
  /** Puts something that is not a valid envelope on the wire at `address`, bypassing the sender's encoding. */
  injectMalformed(address: string, message: unknown): Promise<void>;
  /** Releases the medium (stops a server, ...). */
  dispose(): Promise<void>;
}
