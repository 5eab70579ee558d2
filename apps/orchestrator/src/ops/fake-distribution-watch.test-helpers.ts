import type {
  AgentSnapshot,
  AgentStatus,
  DistributionEvent,
  DistributionEventListener,
  QueueStats,
  Task,
  TaskStatus,
} from '@switchyard/core';
import type { DistributionWatch } from './distribution-watch.js';

export function agentSnapshot(id: string, status: AgentStatus = 'online', capacity: number | null = 4): AgentSnapshot {
  return {
    id,
    capabilities: ['write'],
    priority: 0,
    status,
    load: 1,
    capacity,
    metadata: {},
    stats: { completed: 2, failed: 1, latencyEwmaMs: 12 },
    registeredAt: '',
    lastSeenAt: '',
    stuckTasks: 0,
  };
}

/** A task as events carry it, `status` as given and finished at `at` when final. */
export function taskView(id: string, status: TaskStatus, at: number, latencyMs = 0): Task {
  const failed = status === 'failed' || status === 'dead_lettered';
  return {
    id,
    type: 'draft',
    requiredCapabilities: ['write'],
    data: null,
    senderId: 'spec',
    priority: 'normal',
    weight: 1,
    strategy: null,
    status,
    assignedAgentId: 'writer-1',
    attempts: 1,
    failures: failed ? 1 : 0,
    maxAttempts: 1,
    history: [],
    result: null,
    error: failed ? { message: 'no', code: 'HANDLER_ERROR' } : null,
    createdAt: at - latencyMs,
    queuedAt: null,
    retryAt: null,
    assignedAt: at - latencyMs,
    finishedAt: status === 'completed' || failed ? at : null,
  };
}

export function finishedEvent(id: string, status: TaskStatus, latencyMs: number, at: number): DistributionEvent {
  return { type: 'task_finished', task: taskView(id, status, at, latencyMs), latencyMs };
}

/** A distributor stand-in the test drives by hand: it emits what the test says, and holds the agents and queue it is given. */
export class FakeDistributionWatch implements DistributionWatch {
  agents: AgentSnapshot[] = [agentSnapshot('writer-1'), agentSnapshot('writer-2', 'draining')];
  queue: QueueStats = {
    depth: 3,
    byPriority: { low: 0, normal: 2, high: 1, critical: 0 },
    oldestWaitMs: 40,
    maxLength: 100,
  };
  private readonly listeners = new Set<DistributionEventListener>();

  onEvent(listener: DistributionEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: DistributionEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  queueStats(): QueueStats {
    return this.queue;
  }

  listAgents(): AgentSnapshot[] {
    return this.agents;
  }
}
