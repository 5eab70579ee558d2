import type { JsonValue } from '../models/json-value.js';
import type { MessagePriority } from '../models/message-priority.js';
import type { Task, TaskErrorInfo, TaskStatus } from '../models/task.js';

/** The distributor's own, mutable task. Everyone else gets `snapshot()` or the read-only Task view. */
export class TaskRecord implements Task {
  status: TaskStatus = 'pending';
  assignedAgentId: string | null = null;
  attempts = 0;
  result: JsonValue | null = null;
  error: TaskErrorInfo | null = null;
  assignedAt: number | null = null;
  finishedAt: number | null = null;
  /** The strategy that made the current assignment (after resolving defaults and `custom`). */
  assignedBy: string | null = null;

  constructor(
    readonly id: string,
    readonly type: string,
    readonly requiredCapabilities: readonly string[],
    readonly data: JsonValue,
    readonly senderId: string,
    readonly priority: MessagePriority,
    readonly strategy: string | null,
    readonly createdAt: number,
  ) {}

  get isFinished(): boolean {
    return this.status === 'completed' || this.status === 'failed';
  }

  snapshot(): Task {
    return {
      id: this.id,
      type: this.type,
      requiredCapabilities: [...this.requiredCapabilities],
      data: this.data,
      senderId: this.senderId,
      priority: this.priority,
      strategy: this.strategy,
      status: this.status,
      assignedAgentId: this.assignedAgentId,
      attempts: this.attempts,
      result: this.result,
      error: this.error,
      createdAt: this.createdAt,
      assignedAt: this.assignedAt,
      finishedAt: this.finishedAt,
    };
  }
}
