/** Receives whatever was published at an address; validation is the receiver's job, as on a real wire. */
export type BusReceiver = (message: unknown) => void;

/**
 * The in-process stand-in for a message server: connections (InMemoryTransport) subscribe
 * addresses on it and publish to them. Publishing to an address nobody holds reaches nobody.
 */
export class MemoryBus {
  private readonly routes = new Map<string, Set<BusReceiver>>();

  /** Returns how many receivers got the message. */
  publish(address: string, message: unknown): number {
    const receivers = this.routes.get(address);
    if (receivers === undefined) return 0;
    for (const receive of receivers) receive(message);
    return receivers.size;
  }

  subscribe(address: string, receiver: BusReceiver): () => void {
    let receivers = this.routes.get(address);
    if (receivers === undefined) {
      receivers = new Set();
      this.routes.set(address, receivers);
    }
    receivers.add(receiver);
    return () => {
      const current = this.routes.get(address);
      current?.delete(receiver);
      if (current?.size === 0) this.routes.delete(address);
    };
  }
}
