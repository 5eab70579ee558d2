import type { AgentStatus } from './agent-status.js';
import type { JsonValue } from './json-value.js';

export interface AgentOutcomeStats {
  readonly completed: number;
  readonly failed: number;
  /** Exponentially weighted mean of task latency in ms; null until the first answer. */
  readonly latencyEwmaMs: number | null;
}

/** An agent as the registry and strategies see it. Read-only: only the registry changes agents. */
export interface AgentView {
  readonly id: string;
  readonly capabilities: ReadonlySet<string>;
  readonly priority: number;
  readonly status: AgentStatus;
  /** Tasks in hand: +1 on assignment, -1 on answer, or as the agent last reported. */
  readonly load: number;
  /** `Infinity` when unbounded. */
  readonly capacity: number;
  readonly metadata: Readonly<Record<string, JsonValue>>;
  readonly stats: AgentOutcomeStats;
  /** Registration order, used for deterministic tie-breaks (lower registered earlier). */
  readonly sequence: number;
  readonly registeredAt: number;
  readonly lastSeenAt: number;
}

/** A plain, serialisable copy of an agent (capabilities as an array, capacity null when unbounded). */
export interface AgentSnapshot {
  readonly id: string;
  readonly capabilities: string[];
  readonly priority: number;
  readonly status: AgentStatus;
  readonly load: number;
  readonly capacity: number | null;
  readonly metadata: Record<string, JsonValue>;
  readonly stats: AgentOutcomeStats;
  readonly registeredAt: string;
  readonly lastSeenAt: string;
  /** Tasks whose handlers ignored a task_cancel past the agent's grace period (the agent's last report). */
  readonly stuckTasks: number;
}
