import type { QueueStats } from '@switchyard/core';

export interface DashboardAgentRow {
  readonly id: string;
  readonly capabilities: readonly string[];
  readonly status: string;
  readonly load: number;
  readonly capacity: number | null;
  readonly priority: number;
  readonly completed: number;
  readonly failed: number;
  readonly latencyMs: number | null;
}

export interface DashboardTaskRow {
  readonly id: string;
  readonly type: string;
  readonly status: string;
  readonly agentId: string | null;
  readonly latencyMs: number;
  readonly errorCode: string | null;
  readonly finishedAt: number;
}

/** A running task's last progress report (context.progress), as the dashboard lists it. */
export interface DashboardProgressRow {
  readonly id: string;
  readonly agentId: string;
  readonly attempt: number;
  readonly message: string | null;
  /** 0..1, null when the agent did not say how far along it is. */
  readonly fraction: number | null;
  readonly at: number;
}

/** One time bucket of the charts: finished tasks, their latency percentiles, the deepest queue seen. */
export interface DashboardPoint {
  readonly at: number;
  readonly completed: number;
  readonly failed: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly queueDepth: number;
}

/** Everything the dashboard page shows, sent whole on each update (it is small: agent rows are capped). */
export interface DashboardSnapshot {
  readonly at: number;
  readonly agents: {
    readonly total: number;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly rows: readonly DashboardAgentRow[];
  };
  readonly queue: QueueStats;
  /** Finished tasks since start, by final status. */
  readonly totals: Readonly<Record<string, number>>;
  readonly bucketMs: number;
  readonly series: readonly DashboardPoint[];
  /** Most recently finished first. */
  readonly recent: readonly DashboardTaskRow[];
  /** Running tasks that reported progress, most recent report first. */
  readonly running: readonly DashboardProgressRow[];
}
