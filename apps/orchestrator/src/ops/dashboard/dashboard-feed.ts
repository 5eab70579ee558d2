import type { DistributionEvent, TaskProgressEvent, TaskProgressListener } from '@switchyard/core';
import { AgentStatusSchema } from '@switchyard/core';
import { summarizeLatencies } from '../../demo/latency-summary.js';
import type { DistributionWatch } from '../distribution-watch.js';
import type {
  DashboardPoint,
  DashboardProgressRow,
  DashboardSnapshot,
  DashboardTaskRow,
} from './dashboard-snapshot.js';

const BUCKET_MS = 5_000;
/** Ten minutes of history. */
const BUCKETS = 120;
const RECENT_TASKS = 25;
/** Running tasks with progress listed at most (the most recently reporting ones). */
const RUNNING_TASKS = 50;
/** The page lists this many agents (the counts cover all of them), so an update stays small with any fleet. */
const MAX_AGENT_ROWS = 200;
/** Latency samples kept per bucket (a uniform sample beyond that), so a busy bucket costs fixed memory. */
const SAMPLES_PER_BUCKET = 256;
const TICK_MS = 1_000;
/** Even when nothing happened, the charts move on. */
const IDLE_PUSH_MS = 5_000;

interface Bucket {
  readonly at: number;
  completed: number;
  failed: number;
  seen: number;
  readonly samples: number[];
  queueDepth: number;
}

export type DashboardListener = (snapshot: DashboardSnapshot) => void;

/** Where running tasks' progress reports come from: the engine (onTaskProgress). */
export interface ProgressSource {
  onTaskProgress(listener: TaskProgressListener): () => void;
}

/**
 * What the dashboard shows, kept from the distributor's events: totals, recent tasks and
 * per-5-second buckets for the charts. Listeners get a snapshot at once and then at most once a
 * second while something changes, so a flood of tasks costs one update a second per viewer.
 */
export class DashboardFeed {
  private readonly buckets: Bucket[] = [];
  private readonly recent: DashboardTaskRow[] = [];
  /** Running tasks' last progress, by task id, in the order of their last report (oldest first). */
  private readonly running = new Map<string, DashboardProgressRow>();
  private readonly totals = new Map<string, number>();
  private readonly listeners = new Set<DashboardListener>();
  private dirty = false;
  private lastPush = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private unsubscribe: (() => void) | undefined;
  private unsubscribeProgress: (() => void) | undefined;

  constructor(
    private readonly watch: DistributionWatch,
    private readonly now: () => number = Date.now,
    private readonly progress?: ProgressSource,
  ) {}

  start(): void {
    this.unsubscribe = this.watch.onEvent((event) => {
      this.record(event);
    });
    this.unsubscribeProgress = this.progress?.onTaskProgress((event) => {
      this.recordProgress(event);
    });
    this.timer = setInterval(() => {
      this.tick();
    }, TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
    this.unsubscribeProgress?.();
    this.listeners.clear();
  }

  /** Calls the listener with the current snapshot now and on every update; returns the way to stop. */
  subscribe(listener: DashboardListener): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  snapshot(): DashboardSnapshot {
    const now = this.now();
    const agents = this.watch.listAgents();
    const byStatus: Record<string, number> = Object.fromEntries(AgentStatusSchema.options.map((status) => [status, 0]));
    for (const agent of agents) byStatus[agent.status] = (byStatus[agent.status] ?? 0) + 1;
    return {
      at: now,
      agents: {
        total: agents.length,
        byStatus,
        rows: agents.slice(0, MAX_AGENT_ROWS).map((agent) => ({
          id: agent.id,
          capabilities: agent.capabilities,
          status: agent.status,
          load: agent.load,
          capacity: agent.capacity,
          priority: agent.priority,
          completed: agent.stats.completed,
          failed: agent.stats.failed,
          latencyMs: agent.stats.latencyEwmaMs,
        })),
      },
      queue: this.watch.queueStats(),
      totals: Object.fromEntries(this.totals),
      bucketMs: BUCKET_MS,
      series: this.series(now),
      recent: [...this.recent],
      running: [...this.running.values()].reverse(),
    };
  }

  private record(event: DistributionEvent): void {
    this.dirty = true;
    if (event.type !== 'task_finished') return;
    const { task, latencyMs } = event;
    this.running.delete(task.id);
    this.totals.set(task.status, (this.totals.get(task.status) ?? 0) + 1);
    const bucket = this.bucket(this.now());
    if (task.status === 'completed') bucket.completed++;
    // A cancelled task did not fail: it counts in the totals only.
    else if (task.status !== 'cancelled') bucket.failed++;
    bucket.seen++;
    if (bucket.samples.length < SAMPLES_PER_BUCKET) bucket.samples.push(latencyMs);
    else {
      const slot = Math.floor(Math.random() * bucket.seen);
      if (slot < SAMPLES_PER_BUCKET) bucket.samples[slot] = latencyMs;
    }
    this.recent.unshift({
      id: task.id,
      type: task.type,
      status: task.status,
      agentId: task.assignedAgentId,
      latencyMs,
      errorCode: task.error?.code ?? null,
      finishedAt: task.finishedAt ?? this.now(),
    });
    if (this.recent.length > RECENT_TASKS) this.recent.pop();
  }

  /** A report replaces the task's previous one and moves it to the front; the oldest beyond the cap is dropped. */
  private recordProgress(event: TaskProgressEvent): void {
    this.dirty = true;
    this.running.delete(event.taskId);
    this.running.set(event.taskId, {
      id: event.taskId,
      agentId: event.agentId,
      attempt: event.attempt,
      message: event.message ?? null,
      fraction: event.fraction ?? null,
      at: event.at,
    });
    if (this.running.size > RUNNING_TASKS) {
      const oldest = this.running.keys().next();
      if (oldest.done !== true) this.running.delete(oldest.value);
    }
  }

  private tick(): void {
    const now = this.now();
    const bucket = this.bucket(now);
    bucket.queueDepth = Math.max(bucket.queueDepth, this.watch.queueStats().depth);
    if (this.listeners.size === 0 || (!this.dirty && now - this.lastPush < IDLE_PUSH_MS)) return;
    this.dirty = false;
    this.lastPush = now;
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }

  /** The bucket that `now` falls in, made when it is new; buckets older than the window are dropped. */
  private bucket(now: number): Bucket {
    const at = now - (now % BUCKET_MS);
    const last = this.buckets.at(-1);
    if (last?.at === at) return last;
    const bucket: Bucket = { at, completed: 0, failed: 0, seen: 0, samples: [], queueDepth: 0 };
    this.buckets.push(bucket);
    while ((this.buckets[0]?.at ?? at) <= at - BUCKETS * BUCKET_MS) this.buckets.shift();
    return bucket;
  }

  /** Every bucket of the window, empty ones included, oldest first. */
  private series(now: number): DashboardPoint[] {
    const newest = now - (now % BUCKET_MS);
    const byStart = new Map(this.buckets.map((bucket) => [bucket.at, bucket]));
    const points: DashboardPoint[] = [];
    for (let at = newest - (BUCKETS - 1) * BUCKET_MS; at <= newest; at += BUCKET_MS) {
      const bucket = byStart.get(at);
      const latency = summarizeLatencies(bucket?.samples ?? []);
      points.push({
        at,
        completed: bucket?.completed ?? 0,
        failed: bucket?.failed ?? 0,
        p50Ms: latency.count === 0 ? null : latency.p50,
        p99Ms: latency.count === 0 ? null : latency.p99,
        queueDepth: bucket?.queueDepth ?? 0,
      });
    }
    return points;
  }
}
