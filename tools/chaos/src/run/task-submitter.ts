import { setTimeout as delay } from 'node:timers/promises';
import type { SubmissionErrorCount, SubmissionStats } from '../check/chaos-report.js';
import type { TaskLedger } from '../check/task-ledger.js';
import type { PlannedTask } from '../plan/chaos-plan.js';
import { McpEndpoint, SubmissionError } from './mcp-endpoint.js';

export interface SubmitterSettings {
  readonly urls: readonly string[];
  readonly token: string;
  /** The capability each kind of task requires. */
  readonly capabilityOf: (task: PlannedTask) => string;
  /** Most tasks submitted and not yet final at once. */
  readonly window: number;
  /** Submission pace: task i is not submitted before i / tasksPerSecond seconds in. */
  readonly tasksPerSecond: number;
  /** One MCP call may take this long before it counts as failed (and is made again elsewhere). */
  readonly callTimeoutMs: number;
  /** A task that no orchestrator accepted for this long is given up. */
  readonly giveUpAfterMs: number;
  /** With no task becoming final for this long, the window stops waiting (lost tasks must not stall the run). */
  readonly windowPatienceMs: number;
}

/** What the handler gets: the task's number, and for the hung kinds how to hang. */
function dataOf(task: PlannedTask, index: number): Record<string, number | string> {
  if (task.kind === 'hang_until_aborted') return { n: index + 1, hang: 'until_aborted' };
  if (task.kind === 'hang_forever') return { n: index + 1, hang: 'forever' };
  return { n: index + 1 };
}

/**
 * Submits the planned tasks through MCP as a client would: distribute_task with the task's own
 * id, the first try on orchestrator (index mod n), and after any failure the same id again on the
 * next one with back-off, until one accepts it. TASK_ALREADY_EXISTS means an earlier call landed
 * (its answer was lost with the orchestrator or the connection): accepted. Submission keeps a
 * pace, and at most `window` tasks are open (submitted, not yet final in the KV) at once, so
 * latency measures the system and not a backlog.
 */
export class TaskSubmitter {
  private readonly endpoints: McpEndpoint[];
  private readonly accepted = new Set<string>();
  private readonly errors: Record<string, SubmissionErrorCount> = {};
  private alreadyExisted = 0;
  private retries = 0;
  private started = 0;

  constructor(
    private readonly settings: SubmitterSettings,
    private readonly ledger: TaskLedger,
  ) {
    this.endpoints = settings.urls.map((url) => new McpEndpoint(url, settings.token));
  }

  get submitted(): number {
    return this.started;
  }

  stats(): SubmissionStats {
    return {
      accepted: this.accepted,
      alreadyExisted: this.alreadyExisted,
      retries: this.retries,
      errors: { ...this.errors },
    };
  }

  /** Submits every task; `beforeTask(index)` runs (and is awaited) before each one starts. */
  async submitAll(
    tasks: readonly PlannedTask[],
    beforeTask: (index: number) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const running = new Set<Promise<void>>();
    const startedAt = Date.now();
    // Narrow tasks come in pairs that go out at the same moment, one to each orchestrator, to overfill their agent.
    let burstStart = 0;
    for (const [index, task] of tasks.entries()) {
      await beforeTask(index);
      if (task.kind !== 'narrow' || tasks[index - 1]?.kind !== 'narrow' || index - burstStart >= 2) burstStart = index;
      const due = startedAt + (burstStart * 1_000) / this.settings.tasksPerSecond - Date.now();
      if (due > 0) await delay(due, undefined, { signal });
      await this.slot(signal);
      this.started++;
      const submission = this.submit(task, index, signal).finally(() => running.delete(submission));
      running.add(submission);
    }
    await Promise.all(running);
  }

  async close(): Promise<void> {
    await Promise.all(this.endpoints.map((endpoint) => endpoint.close()));
  }

  /** Waits until fewer than `window` tasks are open, or until nothing has become final for a while. */
  private async slot(signal: AbortSignal): Promise<void> {
    let finished = this.ledger.finishedCount;
    let progressAt = Date.now();
    while (this.started - this.ledger.finishedCount >= this.settings.window) {
      if (this.ledger.finishedCount !== finished) {
        finished = this.ledger.finishedCount;
        progressAt = Date.now();
      } else if (Date.now() - progressAt > this.settings.windowPatienceMs) {
        return;
      }
      await delay(5, undefined, { signal });
    }
  }

  private async submit(task: PlannedTask, index: number, signal: AbortSignal): Promise<void> {
    const since = Date.now();
    for (let attempt = 0; !signal.aborted; attempt++) {
      const endpoint = this.endpoints[(index + attempt) % this.endpoints.length] as McpEndpoint;
      try {
        const outcome = await endpoint.distribute(
          {
            taskId: task.id,
            priority: task.priority,
            capability: this.settings.capabilityOf(task),
            data: dataOf(task, index),
          },
          this.settings.callTimeoutMs,
        );
        this.accepted.add(task.id);
        if (outcome === 'exists') this.alreadyExisted++;
        return;
      } catch (error) {
        const code = error instanceof SubmissionError ? error.code : 'UNKNOWN';
        const seen = this.errors[code];
        this.errors[code] = {
          count: (seen?.count ?? 0) + 1,
          example: seen?.example ?? (error instanceof Error ? error.message : String(error)),
        };
        if (Date.now() - since > this.settings.giveUpAfterMs) return;
        this.retries++;
        // Exponential back-off with jitter, so a fleet-wide outage is not met by a stampede. (Not
        // abortable: hundreds of these wait at once, and the loop ends on abort within 2 s anyway.)
        await delay(Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2));
      }
    }
  }
}
