import type { JsonValue } from './json-value.js';
import type { TaskErrorInfo } from './task.js';

/** The final word on a task, as its caller receives it. */
export interface TaskResult {
  readonly taskId: string;
  readonly agentId: string;
  readonly status: 'completed' | 'failed';
  readonly result: JsonValue | null;
  readonly error: TaskErrorInfo | null;
  /** From assignment to answer. */
  readonly durationMs: number;
  readonly attempt: number;
}
