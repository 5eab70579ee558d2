import { CommunicationError } from '../errors/communication-error.js';
import type { SwitchyardError } from '../errors/switchyard-error.js';
import type { Envelope } from '../models/envelope.js';
import type { EnvelopeHandler } from '../ports/transport.js';

/**
 * The receiving half every transport shares: runs handlers, keeps the ones still working so a
 * stop can wait for them, and turns whatever goes wrong into a CommunicationError for onerror.
 */
export class HandlerRuns {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly report: (error: SwitchyardError) => void) {}

  /** Runs the handler; a thrown error or rejected promise is reported, never propagated. */
  run(handler: EnvelopeHandler, envelope: Envelope): void {
    try {
      const outcome = handler(envelope);
      if (outcome instanceof Promise) {
        const tracked: Promise<void> = outcome.then(
          () => {
            this.running.delete(tracked);
          },
          (error: unknown) => {
            this.running.delete(tracked);
            this.fail(error);
          },
        );
        this.running.add(tracked);
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
        : new CommunicationError('DELIVERY_FAILED', `A handler failed: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error }),
    );
  }

  /** Resolves when every handler started so far (and any they start meanwhile) has settled. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
