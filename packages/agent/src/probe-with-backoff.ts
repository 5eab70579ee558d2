import type { CircuitBreaker } from './circuit-breaker.js';
import { sleepUnlessStopped } from './sleep-unless-stopped.js';

/** First pause before probing something that went down; it doubles up to the probe's maxDelayMs. */
const FIRST_PROBE_DELAY_MS = 100;

export interface BackoffProbe {
  /** Ends the probing (the adapter stops). */
  readonly stop: AbortSignal;
  readonly maxDelayMs: number;
  /** While it is open, no try comes before its openMs have passed. */
  readonly breaker: CircuitBreaker;
  /** One try: true when the other end is back (and followed), false to wait and try again. */
  readonly attempt: () => Promise<boolean>;
}

/**
 * Tries to reach what went down (a fast-agent server, an A2A agent) with back-off, the pause
 * doubling from 100 ms up to maxDelayMs, until a try succeeds or `stop` aborts.
 */
export async function probeWithBackoff({ stop, maxDelayMs, breaker, attempt }: BackoffProbe): Promise<void> {
  // A function, not the property: the stop comes while this awaits, which narrowing cannot know.
  const stopped = (): boolean => stop.aborted;
  for (let delayMs = FIRST_PROBE_DELAY_MS; !stopped(); delayMs = Math.min(delayMs * 2, maxDelayMs)) {
    await sleepUnlessStopped(Math.max(delayMs, breaker.isOpen ? breaker.openMs : 0), stop);
    if (stopped()) return;
    if (await attempt()) return;
  }
}
