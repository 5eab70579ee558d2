import type { JsonValue, MessagePriority } from '@switchyard/core';

/** A task as the agent's handler receives it. */
export interface AgentTask {
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
  readonly requiredCapabilities: readonly string[];
  readonly senderId: string;
  readonly priority: MessagePriority;
  /** Which hand-over this is (1 for the first); the answer is tied to it. */
  readonly attempt: number;
}

export interface TaskContext {
  readonly agentId: string;
  /** Aborted when the agent is stopped without time to finish. */
  readonly signal: AbortSignal;
}

/** The agent's work: return the result (JSON), or throw (TaskFailure for a code). */
export type TaskHandler = (task: AgentTask, context: TaskContext) => Promise<JsonValue | undefined> | JsonValue | undefined;
