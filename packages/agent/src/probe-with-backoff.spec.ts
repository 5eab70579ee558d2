import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { probeWithBackoff } from './probe-with-backoff.js';

describe('probeWithBackoff', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('pauses 100 ms, then twice as long each time up to maxDelayMs, until a try succeeds', async () => {
    const started = Date.now();
    const triedAt: number[] = [];
    const probing = probeWithBackoff({
      stop: new AbortController().signal,
      maxDelayMs: 500,
      breaker: new CircuitBreaker(3, 10_000),
      attempt: () => {
        triedAt.push(Date.now() - started);
        return Promise.resolve(triedAt.length === 6);
      },
    });
    await vi.advanceTimersByTimeAsync(10_000);
    await probing;
    expect(triedAt).toEqual([100, 300, 700, 1_200, 1_700, 2_200]);
  });

  it('waits out an open circuit before trying, and stops trying when stopped', async () => {
    const breaker = new CircuitBreaker(1, 2_000);
    breaker.failed();
    const stopping = new AbortController();
    const started = Date.now();
    const triedAt: number[] = [];
    const probing = probeWithBackoff({
      stop: stopping.signal,
      maxDelayMs: 100,
      breaker,
      attempt: () => {
        triedAt.push(Date.now() - started);
        return Promise.resolve(false);
      },
    });
    await vi.advanceTimersByTimeAsync(2_250);
    expect(triedAt).toEqual([2_000, 2_100, 2_200]);
    stopping.abort();
    await probing;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(triedAt).toHaveLength(3);
  });
});
