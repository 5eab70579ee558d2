import type { AgentSnapshot, AgentView, MessagePriority, Task, TaskDistributor, TaskErrorInfo } from '@switchyard/core';

// The event contract of issue 7, as announced for @switchyard/core (events/distribution-event.ts).
// Until it lands, this file gives metrics, dashboard and logs the same shape from what core has
// now (finished tasks only, no queue); once it lands, they take the TaskDistributor itself and
// this file goes.

export type DistributionEvent =
  | { readonly type: 'task_queued'; readonly task: Task; readonly reason: 'capacity' | 'retry'; readonly queueDepth: number }
  | { readonly type: 'task_assigned'; readonly task: Task; readonly agentId: string; readonly strategy: string; readonly attempt: number; readonly decisionMs: number }
  | { readonly type: 'task_attempt_failed'; readonly task: Task; readonly agentId: string; readonly attempt: number; readonly error: TaskErrorInfo; readonly retryInMs: number }
  | { readonly type: 'task_finished'; readonly task: Task; readonly latencyMs: number }
  | { readonly type: 'agent_registered' | 'agent_status_changed' | 'agent_unregistered'; readonly agent: AgentView };

export type DistributionEventListener = (event: DistributionEvent) => void;

export interface QueueStats {
  readonly depth: number;
  readonly byPriority: Readonly<Record<MessagePriority, number>>;
  readonly oldestWaitMs: number;
  readonly maxLength: number;
}

/** What the operators' views read: the distributor's events, its queue and its agents. */
export interface DistributionWatch {
  onEvent(listener: DistributionEventListener): () => void;
  queueStats(): QueueStats;
  listAgents(): AgentSnapshot[];
}

const NO_QUEUE: QueueStats = { depth: 0, byPriority: { low: 0, normal: 0, high: 0, critical: 0 }, oldestWaitMs: 0, maxLength: 0 };

/** The watch over today's distributor: task_finished events (latency from creation) and an empty queue. */
export function watchDistribution(distributor: TaskDistributor): DistributionWatch {
  return {
    onEvent: (listener) =>
      distributor.onTaskFinished((task) => {
        listener({ type: 'task_finished', task, latencyMs: Math.max(0, (task.finishedAt ?? task.createdAt) - task.createdAt) });
      }),
    queueStats: () => NO_QUEUE,
    listAgents: () => distributor.listAgents(),
  };
}
