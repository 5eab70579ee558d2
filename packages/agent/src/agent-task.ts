import type { JsonValue, MessagePriority, TaskProgressUpdate } from '@switchyard/core';

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
  /**
   * This task's own signal: aborted when the orchestrator no longer wants the work (task_cancel:
   * the attempt timed out, went elsewhere, or the task was cancelled) or the agent is stopped
   * without time to finish. A handler should stop soon after; its answer is then not sent.
   */
  readonly signal: AbortSignal;
  /**
   * Tells whoever waits for this task how it is going: a message, how far along (0..1), a partial
   * result. Fire-and-forget: reports closer together than the agent's progressIntervalMs are
   * coalesced (the latest wins), the last one goes out before the answer, none after it or once
   * the attempt was cancelled, and a transport problem is logged, never thrown. Bad input
   * (fraction outside 0..1, a message or partial over its limit, nothing to report) throws a
   * ValidationError naming the field.
   */
  progress(update: TaskProgressUpdate): void;
}

/** The agent's work: return the result (JSON), or throw (TaskFailure for a code). */
export type TaskHandler = (
  task: AgentTask,
  context: TaskContext,
) => Promise<JsonValue | undefined> | JsonValue | undefined;
