import type { Envelope, EnvelopeHandler } from '@switchyard/core/internal';

/**
 * Envelopes handed to the handler in one turn of the event loop; the rest of a coalesced
 * message waits for the next turn. The answers to the first envelopes then leave (and the
 * other side starts on them) while the rest are still being handled, instead of the two
 * sides taking turns with whole batches. Each turn's answers cost a socket write on both
 * sides and a read and write in nats-server: 32 cut nats-server's CPU per task by a fifth
 * against 16 and kept enough overlap (64 lost it).
 */
const ENVELOPES_PER_TURN = 32;

/** One subscription's received envelopes, handed over in arrival order, a few per turn. */
export class ChunkedInbox {
  private readonly queue: Envelope[] = [];
  private head = 0;
  private scheduled = false;
  private readonly emptyWaiters: (() => void)[] = [];

  constructor(
    private readonly handler: EnvelopeHandler,
    private readonly run: (handler: EnvelopeHandler, envelope: Envelope) => void,
  ) {}

  receive(envelopes: readonly Envelope[]): void {
    for (const envelope of envelopes) this.queue.push(envelope);
    if (!this.scheduled) this.drain();
  }

  /** Resolves when everything already received has been handed to the handler. */
  whenEmpty(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve) => {
      this.emptyWaiters.push(resolve);
    });
  }

  private readonly drain = (): void => {
    const end = Math.min(this.queue.length, this.head + ENVELOPES_PER_TURN);
    for (; this.head < end; this.head++) this.run(this.handler, this.queue[this.head] as Envelope);
    if (this.head < this.queue.length) {
      this.scheduled = true;
      setImmediate(this.drain);
      return;
    }
    this.queue.length = 0;
    this.head = 0;
    this.scheduled = false;
    for (const resolve of this.emptyWaiters.splice(0)) resolve();
  };
}
