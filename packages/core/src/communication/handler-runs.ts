import { CommunicationError } from '../errors/communication-error.js';
import type { SwitchyardError } from '../errors/switchyard-error.js';
import type { Envelope } from '../models/envelope.js';
import type { EnvelopeHandler } from '../ports/transport.js';

/**
 * The receiving half every transport shares: runs handlers, counts the ones still working so a
 * stop can wait for them, and turns whatever goes wrong into a CommunicationError for onerror.
 */
export class HandlerRuns {
  /** Handlers whose promise has not settled yet: a count, not a set, as it changes twice per message. */
  private running = 0;
  /** Resolves settled() once `running` reaches 0. */
  private idle: (() => void)[] = [];

  constructor(private readonly report: (error: SwitchyardError) => void) {}

  /** Runs the handler; a thrown error or rejected promise is reported, never propagated. */
  run(handler: EnvelopeHandler, envelope: Envelope): void {
    try {
      const outcome = handler(envelope);
      if (outcome instanceof Promise) {
        this.running++;
        // Bound methods: no closure per message.
        void outcome.then(this.finished, this.failed);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** Reports a problem met while receiving (a malformed message, a lost connection ...). */
  fail(error: unknown): void {
    this.report(
      error instanceof CommunicationError
        ? error
        : new CommunicationError(
            'DELIVERY_FAILED',
            `A handler failed: ${error instanceof Error ? error.message : String(error)}`,
            {},
            { cause: error },
          ),
    );
  }

  /** Resolves when every handler started so far (and any they start meanwhile) has settled. */
  settled(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idle.push(resolve);
    });
  }

  private readonly finished = (): void => {
    this.running--;
    if (this.running > 0 || this.idle.length === 0) return;
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  };

  private readonly failed = (error: unknown): void => {
    try {
      this.fail(error);
    } finally {
      this.finished();
    }
  };
}
