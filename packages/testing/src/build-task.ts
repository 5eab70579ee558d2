import type { JsonValue, MessagePriority, Task } from '@switchyard/core';
import { DEFAULT_TASK_LIMITS, TaskRecord } from '@switchyard/core/internal';

/** The fields of a task a strategy reads; each has a plain default. */
export interface TaskSpec {
  readonly id?: string;
  readonly type?: string;
  readonly requiredCapabilities?: readonly string[];
  readonly data?: JsonValue;
  readonly senderId?: string;
  readonly priority?: MessagePriority;
  /** The strategy the task asks for (null: the configured default). */
  readonly strategy?: string | null;
  readonly createdAt?: number;
  /** Units of agent capacity it takes (default 1). The distributor offers a strategy only agents with that much room. */
  readonly weight?: number;
}

/** A pending task as a strategy's `select` receives it, for plugin tests: name only what the test is about. */
export function buildTask(spec: TaskSpec = {}): Task {
  return new TaskRecord(
    spec.id ?? 'task-1',
    spec.type ?? 'work',
    spec.requiredCapabilities ?? ['work'],
    spec.data ?? null,
    spec.senderId ?? 'sender',
    spec.priority ?? 'normal',
    spec.strategy ?? null,
    spec.createdAt ?? 0,
    DEFAULT_TASK_LIMITS,
    spec.weight ?? 1,
  );
}
