import type { AgentView } from '../models/agent-view.js';
import type { MessagePriority } from '../models/message-priority.js';
import type { Task, TaskErrorInfo } from '../models/task.js';

/**
 * What the distributor did, as it happens (for metrics, dashboards, logs). `task` and `agent`
 * are live read-only views: read them in the listener, snapshot them to keep them.
 */
export type DistributionEvent =
  /** Waiting for capacity (`capacity`) or for a retry back-off (`retry`). */
  | {
      readonly type: 'task_queued';
      readonly task: Task;
      readonly reason: 'capacity' | 'retry';
      readonly queueDepth: number;
    }
  /** `decisionMs`: candidate lookup plus the strategy's select. */
  | {
      readonly type: 'task_assigned';
      readonly task: Task;
      readonly agentId: string;
      readonly strategy: string;
      readonly attempt: number;
      readonly decisionMs: number;
    }
  /** An attempt ended without a result and the task will be tried again. */
  | {
      readonly type: 'task_attempt_failed';
      readonly task: Task;
      readonly agentId: string;
      readonly attempt: number;
      readonly error: TaskErrorInfo;
      readonly retryInMs: number;
    }
  /**
   * Reached a final state (completed, failed or dead_lettered); latencyMs from creation.
   * `elsewhere`: another orchestrator ran it (durable mode) — announced so callers here wake, but
   * that orchestrator counts and logs it.
   */
  | { readonly type: 'task_finished'; readonly task: Task; readonly latencyMs: number; readonly elsewhere?: true }
  | { readonly type: 'agent_registered'; readonly agent: AgentView }
  | { readonly type: 'agent_status_changed'; readonly agent: AgentView }
  | { readonly type: 'agent_unregistered'; readonly agent: AgentView };

export type DistributionEventListener = (event: DistributionEvent) => void;

/** Tasks waiting in the queue, per priority. */
export interface QueueStats {
  readonly depth: number;
  readonly byPriority: Readonly<Record<MessagePriority, number>>;
  /** How long the longest-waiting task has waited, 0 when empty. */
  readonly oldestWaitMs: number;
  readonly maxLength: number;
}
