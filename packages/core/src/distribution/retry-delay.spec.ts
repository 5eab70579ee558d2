import { describe, expect, it } from 'vitest';
import { RetryOptionsSchema } from '../engine/core-options.js';
import { retryDelay } from './retry-delay.js';

describe('retryDelay', () => {
  const options = RetryOptionsSchema.parse({ initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0.5 });

  it('doubles from the initial delay and stops at the cap', () => {
    const noJitter = (): number => 0;
    expect([1, 2, 3, 4, 5, 6].map((failures) => retryDelay(failures, options, noJitter))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('takes at most the jitter share off at random', () => {
    expect(retryDelay(2, options, () => 0.999_999)).toBe(100);
    expect(retryDelay(2, options, () => 0.5)).toBe(150);
  });
});
