import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { agentSnapshot, FakeDistributionWatch, finishedEvent } from '../fake-distribution-watch.test-helpers.js';
import { DashboardFeed } from './dashboard-feed.js';
import type { DashboardSnapshot } from './dashboard-snapshot.js';

describe('DashboardFeed', () => {
  let now = 1_000_000;
  let watch: FakeDistributionWatch;
  let feed: DashboardFeed;

  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
    watch = new FakeDistributionWatch();
    feed = new DashboardFeed(watch, () => now);
    feed.start();
  });

  afterEach(() => {
    feed.stop();
    vi.useRealTimers();
  });

  it('counts finished tasks by status, into 5-second buckets with latency percentiles, over ten minutes', () => {
    watch.emit(finishedEvent('a', 'completed', 10, now));
    watch.emit(finishedEvent('b', 'completed', 30, now));
    watch.emit(finishedEvent('c', 'failed', 50, now));
    now += 5_000;
    watch.emit(finishedEvent('d', 'completed', 20, now));
    watch.emit(finishedEvent('e', 'cancelled', 20, now));
    const snapshot = feed.snapshot();
    expect(snapshot.totals).toEqual({ completed: 3, failed: 1, cancelled: 1 });
    expect(snapshot.series).toHaveLength(120);
    expect(snapshot.series.slice(-2)).toEqual([
      { at: 1_000_000, completed: 2, failed: 1, p50Ms: 30, p99Ms: 50, queueDepth: 0 },
      { at: 1_005_000, completed: 1, failed: 0, p50Ms: 20, p99Ms: 20, queueDepth: 0 },
    ]);
    expect(snapshot.series[0]).toEqual({
      at: 1_005_000 - 119 * 5_000,
      completed: 0,
      failed: 0,
      p50Ms: null,
      p99Ms: null,
      queueDepth: 0,
    });
  });

  it('keeps the 25 most recently finished tasks, newest first, with their outcome', () => {
    for (let index = 0; index < 30; index++)
      watch.emit(finishedEvent(`t-${String(index)}`, index === 29 ? 'failed' : 'completed', index, now));
    const { recent } = feed.snapshot();
    expect(recent).toHaveLength(25);
    expect(recent[0]).toEqual({
      id: 't-29',
      type: 'draft',
      status: 'failed',
      agentId: 'writer-1',
      latencyMs: 29,
      errorCode: 'HANDLER_ERROR',
      finishedAt: now,
    });
    expect(recent.at(-1)?.id).toBe('t-5');
  });

  it('shows agents with load and status, counts every status, and the queue', () => {
    const snapshot = feed.snapshot();
    expect(snapshot.agents.byStatus).toEqual({ online: 1, offline: 0, draining: 1 });
    expect(snapshot.agents.rows[1]).toEqual({
      id: 'writer-2',
      capabilities: ['write'],
      status: 'draining',
      load: 1,
      capacity: 4,
      priority: 0,
      completed: 2,
      failed: 1,
      latencyMs: 12,
    });
    expect(snapshot.queue.depth).toBe(3);
    watch.agents = Array.from({ length: 250 }, (_, index) => agentSnapshot(`a-${String(index)}`));
    expect(feed.snapshot().agents.rows).toHaveLength(200);
    expect(feed.snapshot().agents.total).toBe(250);
  });

  it('gives a new listener a snapshot at once, then one per tick while things change, and one every 5 s when idle', () => {
    const received: DashboardSnapshot[] = [];
    feed.subscribe((snapshot) => received.push(snapshot));
    expect(received).toHaveLength(1);
    watch.emit(finishedEvent('a', 'completed', 5, now));
    watch.emit(finishedEvent('b', 'completed', 5, now));
    now += 1_000;
    vi.advanceTimersByTime(1_000);
    expect(received).toHaveLength(2);
    expect(received[1]?.totals).toEqual({ completed: 2 });
    expect(received[1]?.series.at(-1)?.queueDepth).toBe(3);
    for (let tick = 0; tick < 4; tick++) {
      now += 1_000;
      vi.advanceTimersByTime(1_000);
    }
    expect(received).toHaveLength(2);
    now += 1_000;
    vi.advanceTimersByTime(1_000);
    expect(received).toHaveLength(3);
  });
});
