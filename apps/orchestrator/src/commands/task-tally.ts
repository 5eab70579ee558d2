import type { DistributionEventListener } from '@switchyard/core';
import type { LatencySummary } from '../demo/latency-summary.js';
import { summarizeLatencies } from '../demo/latency-summary.js';

/** What the status line says about the tasks that finished since the last line. */
export interface TaskTallyReport {
  readonly completed: number;
  /** Failed or dead-lettered. */
  readonly failed: number;
  /** Error codes among the failures, first seen first. */
  readonly failureCodes: readonly string[];
  /** From each task's creation to its final state. */
  readonly latency: LatencySummary;
}

/**
 * Counts every task that finishes in this orchestrator, whoever sent it (the example traffic,
 * MCP clients, `switchyard submit`, code), from the distributor's events. Tasks another
 * orchestrator finished (durable mode) are that orchestrator's to count.
 */
export class TaskTally {
  private completed = 0;
  private failed = 0;
  private failureCodes = new Set<string>();
  private latencies: number[] = [];
  private readonly unsubscribe: () => void;

  constructor(events: { onEvent(listener: DistributionEventListener): () => void }) {
    this.unsubscribe = events.onEvent((event) => {
      if (event.type !== 'task_finished' || event.elsewhere === true) return;
      this.latencies.push(event.latencyMs);
      if (event.task.status === 'completed') {
        this.completed++;
      } else {
        this.failed++;
        this.failureCodes.add(event.task.error?.code ?? 'TASK_FAILED');
      }
    });
  }

  /** The numbers since the last call, and a fresh start. */
  drain(): TaskTallyReport {
    const report = {
      completed: this.completed,
      failed: this.failed,
      failureCodes: [...this.failureCodes],
      latency: summarizeLatencies(this.latencies),
    };
    this.completed = 0;
    this.failed = 0;
    this.failureCodes = new Set();
    this.latencies = [];
    return report;
  }

  stop(): void {
    this.unsubscribe();
  }
}
