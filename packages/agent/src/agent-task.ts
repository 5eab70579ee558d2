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
  /** Units of the agent's capacity the task takes (1 unless the submitter declared more). */
  readonly weight: number;
}

export interface TaskContext {
  readonly agentId: string;
  /**
   * This task's own signal: aborted when the orchestrator no longer wants the work (task_cancel:
   * the attempt timed out, went elsewhere, or the task was cancelled) or the agent is stopped
   * without time to finish. A handler should stop soon after; its answer is then not sent.
   */
  readonly signal: AbortSignal;
}

/** The agent's work: return the result (JSON), or throw (TaskFailure for a code). */
export type TaskHandler = (
  task: AgentTask,
  context: TaskContext,
) => Promise<JsonValue | undefined> | JsonValue | undefined;
