import type { AgentSnapshot, DistributionEvent, DistributionEventListener, Task } from '@switchyard/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DistributionWatch } from '../distribution-watch.js';
import { DashboardFeed } from './dashboard-feed.js';
import type { DashboardSnapshot } from './dashboard-snapshot.js';

function agent(id: string, status: AgentSnapshot['status'] = 'online'): AgentSnapshot {
  return { id, capabilities: ['write'], priority: 0, status, load: 1, capacity: 4, metadata: {}, stats: { completed: 2, failed: 1, latencyEwmaMs: 12 }, registeredAt: '', lastSeenAt: '' };
}

function finished(id: string, status: Task['status'], latencyMs: number, finishedAt: number): DistributionEvent {
  const task: Task = {
    id,
    type: 'draft',
    requiredCapabilities: ['write'],
    data: null,
    senderId: 'spec',
    priority: 'normal',
    strategy: null,
    status,
    assignedAgentId: 'writer-1',
    attempts: 1,
    failures: status === 'failed' ? 1 : 0,
    maxAttempts: 1,
    history: [],
    result: null,
    error: status === 'failed' ? { message: 'no', code: 'HANDLER_ERROR' } : null,
    createdAt: finishedAt - latencyMs,
    queuedAt: null,
    retryAt: null,
    assignedAt: finishedAt - latencyMs,
    finishedAt,
  };
  return { type: 'task_finished', task, latencyMs };
}

/** A distributor stand-in the test drives by hand. */
class FakeWatch implements DistributionWatch {
  agents: AgentSnapshot[] = [agent('writer-1'), agent('writer-2', 'draining')];
  private readonly listeners = new Set<DistributionEventListener>();

  onEvent(listener: DistributionEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: DistributionEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  queueStats() {
    return { depth: 3, byPriority: { low: 0, normal: 3, high: 0, critical: 0 }, oldestWaitMs: 40, maxLength: 100 };
  }

  listAgents(): AgentSnapshot[] {
    return this.agents;
  }
}

describe('DashboardFeed', () => {
  let now = 1_000_000;
  let watch: FakeWatch;
  let feed: DashboardFeed;

  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
    watch = new FakeWatch();
    feed = new DashboardFeed(watch, () => now);
    feed.start();
  });

  afterEach(() => {
    feed.stop();
    vi.useRealTimers();
  });

  it('counts finished tasks by status, into 5-second buckets with latency percentiles, over ten minutes', () => {
    watch.emit(finished('a', 'completed', 10, now));
    watch.emit(finished('b', 'completed', 30, now));
    watch.emit(finished('c', 'failed', 50, now));
    now += 5_000;
    watch.emit(finished('d', 'completed', 20, now));
    const snapshot = feed.snapshot();
    expect(snapshot.totals).toEqual({ completed: 3, failed: 1 });
    expect(snapshot.series).toHaveLength(120);
    expect(snapshot.series.slice(-2)).toEqual([
      { at: 1_000_000, completed: 2, failed: 1, p50Ms: 30, p99Ms: 50, queueDepth: 0 },
      { at: 1_005_000, completed: 1, failed: 0, p50Ms: 20, p99Ms: 20, queueDepth: 0 },
    ]);
    expect(snapshot.series[0]).toEqual({ at: 1_005_000 - 119 * 5_000, completed: 0, failed: 0, p50Ms: null, p99Ms: null, queueDepth: 0 });
  });

  it('keeps the 25 most recently finished tasks, newest first, with their outcome', () => {
    for (let index = 0; index < 30; index++) watch.emit(finished(`t-${String(index)}`, index === 29 ? 'failed' : 'completed', index, now));
    const { recent } = feed.snapshot();
    expect(recent).toHaveLength(25);
    expect(recent[0]).toEqual({ id: 't-29', type: 'draft', status: 'failed', agentId: 'writer-1', latencyMs: 29, errorCode: 'HANDLER_ERROR', finishedAt: now });
    expect(recent.at(-1)?.id).toBe('t-5');
  });

  it('shows agents with load and status, counts every status, and the queue', () => {
    const snapshot = feed.snapshot();
    expect(snapshot.agents.byStatus).toEqual({ online: 1, offline: 0, draining: 1 });
    expect(snapshot.agents.rows[1]).toEqual({ id: 'writer-2', capabilities: ['write'], status: 'draining', load: 1, capacity: 4, priority: 0, completed: 2, failed: 1, latencyMs: 12 });
    expect(snapshot.queue.depth).toBe(3);
    watch.agents = Array.from({ length: 250 }, (_, index) => agent(`a-${String(index)}`));
    expect(feed.snapshot().agents.rows).toHaveLength(200);
    expect(feed.snapshot().agents.total).toBe(250);
  });

  it('gives a new listener a snapshot at once, then one per tick while things change, and one every 5 s when idle', () => {
    const received: DashboardSnapshot[] = [];
    feed.subscribe((snapshot) => received.push(snapshot));
    expect(received).toHaveLength(1);
    watch.emit(finished('a', 'completed', 5, now));
    watch.emit(finished('b', 'completed', 5, now));
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
