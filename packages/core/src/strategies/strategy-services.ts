import type { AgentView } from '../models/agent-view.js';
import type { Logger } from '../ports/logger.js';
import type { SharedState } from '../ports/shared-state.js';

/** An attribute whose change `changed` reports. */
export type AgentAttributeName = 'priority' | 'capacity' | 'capabilities' | 'metadata';

/** What happened to an agent of the fleet. The agent is the same read-only view the candidates hold. */
export type AgentEvent =
  | { readonly type: 'joined'; readonly agent: AgentView }
  | { readonly type: 'left'; readonly agent: AgentView }
  | { readonly type: 'changed'; readonly agent: AgentView; readonly changes: readonly AgentAttributeName[] };

export interface AgentEvents {
  /**
   * Calls `listener` synchronously on every join, leave and attribute change (a re-registration
   * with another priority, capacity, capability list or metadata; a capacity the agent reports).
   * Returns the way to stop; every listener stops on its own when the strategy is disposed.
   * A listener that throws is logged and stays subscribed.
   */
  on(listener: (event: AgentEvent) => void): () => void;
}

/** Numbers a strategy keeps about itself; the orchestrator serves them on /metrics. */
export interface StrategyMetrics {
  /** Adds `by` (default 1, not negative) to a counter. Names: lower-case letters, digits and "_". */
  increment(name: string, by?: number): void;
  /** Sets a gauge to a finite value. */
  set(name: string, value: number): void;
}

/** What a strategy may use besides its options. Plain functions and objects, so a strategy may destructure them. */
export interface StrategyServices {
  /** Epoch milliseconds: the orchestrator's clock (tests replace it). */
  readonly now: () => number;
  /**
   * Uniform in [0, 1): each strategy gets a generator of its own, seeded from
   * `distribution.randomSeed` and its name, so a seeded run repeats its choices.
   */
  readonly random: () => number;
  /** Logs with `strategy: <name>` in every entry, through the orchestrator's logger. */
  readonly logger: Logger;
  readonly metrics: StrategyMetrics;
  /** Agents joining, leaving and changing. */
  readonly agents: AgentEvents;
  /**
   * State shared with the same strategy on every other orchestrator on the same servers (a
   * JetStream KV bucket over NATS), under keys of this strategy's own; undefined when the
   * transport has none (memory). Eventually consistent, last put wins. A bad key or a value over
   * 512 KiB is a ValidationError naming the field; a server that is gone rejects the promise.
   */
  readonly sharedState: SharedState | undefined;
}
