import type { RetryOptions } from '../engine/core-options.js';

/**
 * Exponential back-off with jitter before retry number `failures` (1 = the first retry):
 * initialDelayMs × multiplier^(failures − 1), capped at maxDelayMs, then up to `jitter` of it
 * taken off at random so retries of tasks that failed together do not return together.
 */
export function retryDelay(failures: number, options: RetryOptions, random: () => number): number {
  const exponential = options.initialDelayMs * options.multiplier ** Math.max(0, failures - 1);
  const capped = Math.min(options.maxDelayMs, exponential);
  return Math.round(capped * (1 - options.jitter * random()));
}
