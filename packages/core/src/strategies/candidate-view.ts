import type { AgentView } from '../models/agent-view.js';

/**
 * The agents a strategy may choose from: each has every required capability, is online and has
 * free capacity. The registry keeps the answers below up to date as agents change, so asking
 * them costs O(1) or O(log n) whatever the fleet size; iterating is O(n) and is for plugins that
 * truly need every candidate.
 */
export interface CandidateView extends Iterable<AgentView> {
  /** How many candidates there are now. */
  readonly size: number;
  /** The capability set this view serves (sorted). */
  readonly requiredCapabilities: readonly string[];
  has(agentId: string): boolean;
  /** The candidate with this id, if it is one now. */
  get(agentId: string): AgentView | undefined;
  /**
   * Changes whenever an agent with these capabilities registers, leaves, or changes its priority,
   * capacity, capabilities or metadata (not when one merely fills up, frees up or goes offline):
   * rebuild anything derived from members() when it does.
   */
  readonly membersVersion: number;
  /** Every agent that has these capabilities, available or not. O(n): use on membersVersion changes. */
  members(): Iterable<AgentView>;
  /** The candidate at `index` in [0, size): O(1) random access for sampling; order is unspecified. */
  at(index: number): AgentView | undefined;
  /** The candidate that registered first. */
  first(): AgentView | undefined;
  /** Lowest load/capacity (unbounded capacity counts as 0); ties: lower load, higher priority, earlier registration. */
  minByLoadRatio(): AgentView | undefined;
  /** Highest priority; ties: lower load ratio, lower load, earlier registration. */
  maxByPriority(): AgentView | undefined;
  /** The next candidate in this capability set's rotation; the rotation advances. */
  nextInRotation(): AgentView | undefined;
  /** The sum of the candidates' weights: an agent's weight is its priority when positive, else 0. O(1) once built. */
  readonly totalWeight: number;
  /**
   * A candidate drawn with probability weight / totalWeight, where `draw` is uniform in [0, 1)
   * (pass `random()` from the strategy's services). O(log n): the registry keeps the weights in a
   * Fenwick tree per capability set. When no candidate has a positive priority, each is equally likely.
   */
  sampleByWeight(draw: number): AgentView | undefined;
}
