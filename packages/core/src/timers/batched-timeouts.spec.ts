import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimeoutBatch, TimeoutSlot } from './batched-timeouts.js';
import { BatchedTimeouts } from './batched-timeouts.js';

class Entry implements TimeoutSlot {
  timeoutBatch: TimeoutBatch | undefined;
  timeoutPrevious: TimeoutSlot | undefined;
  timeoutNext: TimeoutSlot | undefined;
  constructor(readonly name: string) {}
}

describe('BatchedTimeouts', () => {
  let expired: string[];
  let timeouts: BatchedTimeouts<Entry>;

  beforeEach(() => {
    vi.useFakeTimers();
    expired = [];
    timeouts = new BatchedTimeouts<Entry>(
      (entry, durationMs) => expired.push(`${entry.name}@${String(durationMs)}`),
      true,
    );
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each entry after its own duration, in the order they started, with one timer per batch', async () => {
    const [a, b, c] = [new Entry('a'), new Entry('b'), new Entry('c')];
    timeouts.start(a, 100);
    timeouts.start(b, 100);
    timeouts.start(c, 50);
    expect(vi.getTimerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(49);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toEqual(['c@50']);
    await vi.advanceTimersByTimeAsync(50);
    expect(expired).toEqual(['c@50', 'a@100', 'b@100']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times entries started a millisecond or more later from then, not from the earlier batch', async () => {
    const [early, late] = [new Entry('early'), new Entry('late')];
    timeouts.start(early, 100);
    await vi.advanceTimersByTimeAsync(40);
    timeouts.start(late, 100);
    await vi.advanceTimersByTimeAsync(60);
    expect(expired).toEqual(['early@100']);
    await vi.advanceTimersByTimeAsync(39);
    expect(expired).toEqual(['early@100']);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toEqual(['early@100', 'late@100']);
  });

  it('never expires a cancelled entry, and clears a batch timer nobody needs any more', async () => {
    const [a, b] = [new Entry('a'), new Entry('b')];
    timeouts.start(a, 100);
    timeouts.start(b, 100);
    timeouts.cancel(a);
    expect(vi.getTimerCount()).toBe(1);
    timeouts.cancel(b);
    timeouts.cancel(b);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(expired).toEqual([]);
    expect(a.timeoutBatch).toBeUndefined();
  });

  it('clears the timer of a batch emptied while it still took entries, so an idle process can exit', () => {
    const entry = new Entry('a');
    timeouts.start(entry, 100);
    timeouts.cancel(entry);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires an entry at most 1 ms before a timer of its own would have', async () => {
    const [first, second] = [new Entry('first'), new Entry('second')];
    timeouts.start(first, 100);
    await vi.advanceTimersByTimeAsync(0.5);
    timeouts.start(second, 100);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(99.5);
    expect(expired).toEqual(['first@100', 'second@100']);
  });

  it('starts a new batch after a millisecond, or when the clock went backwards', async () => {
    timeouts.start(new Entry('a'), 100);
    await vi.advanceTimersByTimeAsync(1);
    timeouts.start(new Entry('b'), 100);
    expect(vi.getTimerCount()).toBe(2);
    vi.setSystemTime(Date.now() - 60_000);
    timeouts.start(new Entry('c'), 100);
    expect(vi.getTimerCount()).toBe(3);
  });

  it('restarts an entry that is started again', async () => {
    const entry = new Entry('a');
    timeouts.start(entry, 100);
    await vi.advanceTimersByTimeAsync(90);
    timeouts.start(entry, 100);
    await vi.advanceTimersByTimeAsync(20);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(80);
    expect(expired).toEqual(['a@100']);
  });

  it('lets an expiring entry cancel or restart others of its batch', async () => {
    const [a, b, c] = [new Entry('a'), new Entry('b'), new Entry('c')];
    timeouts = new BatchedTimeouts<Entry>((entry) => {
      expired.push(entry.name);
      if (entry === a) {
        timeouts.cancel(b);
        timeouts.start(c, 10);
      }
    }, true);
    for (const entry of [a, b, c]) timeouts.start(entry, 100);
    await vi.advanceTimersByTimeAsync(100);
    expect(expired).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(10);
    expect(expired).toEqual(['a', 'c']);
  });

  it('expires the rest of a batch when one callback throws, then reports the error', async () => {
    const [a, b] = [new Entry('a'), new Entry('b')];
    timeouts = new BatchedTimeouts<Entry>((entry) => {
      expired.push(entry.name);
      if (entry === a) throw new Error('boom');
    }, true);
    timeouts.start(a, 100);
    timeouts.start(b, 100);
    await expect(vi.advanceTimersByTimeAsync(100)).rejects.toThrow('boom');
    expect(expired).toEqual(['a', 'b']);
  });
});
