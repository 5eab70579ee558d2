import type { AgentView } from '../models/agent-view.js';
import type { Task, TaskErrorInfo } from '../models/task.js';
import type { CandidateView } from './candidate-view.js';
import type { StrategyDecline } from './strategy-decline.js';

/** What a strategy learns when an agent answers. */
export interface StrategyOutcome {
  readonly agent: AgentView;
  readonly task: Task;
  /** From assignment to answer. */
  readonly latencyMs: number;
  /** Present when the task failed. */
  readonly error?: TaskErrorInfo;
}

/** What select may return: a candidate view, undefined (decline), or decline(reason). */
export type StrategyChoice = AgentView | StrategyDecline | undefined;

/**
 * Picks one agent for a task. `Choice` is what its select returns: `AgentView | undefined` unless
 * it declines with a reason (defineStrategy infers it, so a plugin's own tests read `.id` directly). `select` must be synchronous, must return one of the candidate
 * views it was given (not a copy), or undefined / decline(reason) to turn the task down for now,
 * and must not change anything but the strategy's own state. Hooks are optional and let a
 * strategy learn from what happened; a throwing hook is logged and ignored. `dispose` runs once
 * when the orchestrator stops (or the strategies are rebuilt): stop timers, close connections.
 */
export interface DistributionStrategy<Choice extends StrategyChoice = AgentView | undefined> {
  select(candidates: CandidateView, task: Task): Choice;
  onAssigned?(agent: AgentView, task: Task): void;
  onCompleted?(outcome: StrategyOutcome): void;
  onFailed?(outcome: StrategyOutcome): void;
  dispose?(): void;
}
