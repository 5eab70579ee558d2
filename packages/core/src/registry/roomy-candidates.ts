import type { AgentView } from '../models/agent-view.js';
import type { CandidateView } from '../strategies/candidate-view.js';
import type { AgentRecord } from './agent-record.js';
import type { CandidatePool } from './candidate-pool.js';
import { PriorityWeights } from './priority-weights.js';

/** What the distributor hands a strategy: the candidates, and the way back from its choice to the registry's record. */
export interface OfferedCandidates extends CandidateView {
  /** The record behind a strategy's choice when it is one of these candidates (by identity); undefined otherwise. */
  availableRecord(choice: unknown): AgentRecord | undefined;
}

/** Lower load/capacity first (unbounded counts as 0); ties: lower load, higher priority, earlier registration. */
function lighter(a: AgentRecord, b: AgentRecord): boolean {
  const ratioA = a.load / a.capacity;
  const ratioB = b.load / b.capacity;
  if (ratioA !== ratioB) return ratioA < ratioB;
  if (a.load !== b.load) return a.load < b.load;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.sequence < b.sequence;
}

/** Higher priority first; ties: lower load ratio, lower load, earlier registration. */
function higher(a: AgentRecord, b: AgentRecord): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  const ratioA = a.load / a.capacity;
  const ratioB = b.load / b.capacity;
  if (ratioA !== ratioB) return ratioA < ratioB;
  if (a.load !== b.load) return a.load < b.load;
  return a.sequence < b.sequence;
}

/**
 * The candidates of a pool that have room for a task heavier than one unit: online, with
 * `capacity - load >= weight`. The pool's indexes keep agents with room for one unit; this view
 * narrows them for one decision, listing the fitting agents on first use (O(candidates)), so a
 * task of weight 1 — the default, and the hot path — never pays for it. The pool keeps one per
 * weight (see CandidatePool.withRoomFor), so a plugin that keys a cache by its candidate view
 * finds it again; `forDecision` forgets the list, as loads change between decisions.
 */
export class RoomyCandidates implements OfferedCandidates {
  private fitting: AgentRecord[] | undefined;

  constructor(
    private readonly pool: CandidatePool,
    /** Units of capacity the task takes (more than 1). */
    readonly weight: number,
  ) {}

  /** Ready for a new decision: the fitting agents are listed again on first use. */
  forDecision(): this {
    this.fitting = undefined;
    return this;
  }

  get requiredCapabilities(): readonly string[] {
    return this.pool.requiredCapabilities;
  }

  get membersVersion(): number {
    return this.pool.membersVersion;
  }

  get size(): number {
    return this.list().length;
  }

  *[Symbol.iterator](): Iterator<AgentView> {
    // A copy, as the pool gives: a strategy may iterate while loads change.
    yield* this.list().map((agent) => agent.view);
  }

  members(): Iterable<AgentView> {
    return this.pool.members();
  }

  has(agentId: string): boolean {
    return this.get(agentId) !== undefined;
  }

  get(agentId: string): AgentView | undefined {
    return this.availableRecord(this.pool.get(agentId))?.view;
  }

  availableRecord(choice: unknown): AgentRecord | undefined {
    const agent = this.pool.availableRecord(choice);
    return agent?.hasRoomFor(this.weight) === true ? agent : undefined;
  }

  at(index: number): AgentView | undefined {
    return this.list()[index]?.view;
  }

  first(): AgentView | undefined {
    return this.best((a, b) => a.sequence < b.sequence);
  }

  minByLoadRatio(): AgentView | undefined {
    return this.best(lighter);
  }

  maxByPriority(): AgentView | undefined {
    return this.best(higher);
  }

  /** The pool's rotation, moved on past the agents without room for this task (their turn goes to the next). */
  nextInRotation(): AgentView | undefined {
    if (this.list().length === 0) return undefined;
    for (let turns = this.pool.size; turns > 0; turns--) {
      const next = this.pool.nextInRotation();
      if (next === undefined) return undefined;
      const agent = this.availableRecord(next);
      if (agent !== undefined) return agent.view;
    }
    return undefined;
  }

  get totalWeight(): number {
    let total = 0;
    for (const agent of this.list()) total += PriorityWeights.weightOf(agent.priority);
    return total;
  }

  sampleByWeight(draw: number): AgentView | undefined {
    const agents = this.list();
    if (agents.length === 0) return undefined;
    const clamped = Math.min(Math.max(draw, 0), 1);
    const total = this.totalWeight;
    if (total > 0) {
      const point = clamped * total;
      let sum = 0;
      for (const agent of agents) {
        const weight = PriorityWeights.weightOf(agent.priority);
        sum += weight;
        if (weight > 0 && point < sum) return agent.view;
      }
      // A draw of 1 (or rounding) lands past the last sum: the last weighted agent.
      for (let index = agents.length - 1; index >= 0; index--) {
        const agent = agents[index] as AgentRecord;
        if (PriorityWeights.weightOf(agent.priority) > 0) return agent.view;
      }
    }
    // No candidate has a positive priority: every one is as likely.
    return agents[Math.min(Math.floor(clamped * agents.length), agents.length - 1)]?.view;
  }

  private list(): AgentRecord[] {
    if (this.fitting === undefined) {
      const fitting: AgentRecord[] = [];
      const weight = this.weight;
      this.pool.forEachAvailable((agent) => {
        if (agent.hasRoomFor(weight)) fitting.push(agent);
      });
      this.fitting = fitting;
    }
    return this.fitting;
  }

  private best(before: (a: AgentRecord, b: AgentRecord) => boolean): AgentView | undefined {
    let best: AgentRecord | undefined;
    for (const agent of this.list()) if (best === undefined || before(agent, best)) best = agent;
    return best?.view;
  }
}
