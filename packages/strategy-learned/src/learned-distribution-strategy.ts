import type {
  AgentView,
  CandidateView,
  DistributionStrategy,
  StrategyOutcome,
  StrategyServices,
  Task,
} from '@switchyard/core';
import type { TaskTypeArms } from './arm-table.js';
import { ArmTable, NONE } from './arm-table.js';
import type { LearnedOptions } from './learned-options.js';
import { PosteriorSampler } from './posterior-sampler.js';
import { TaskKeyReader } from './task-key-reader.js';

const NO_ARMS: readonly number[] = [];
/** A latency draw never goes below this share of its mean, so one lucky draw cannot make a score infinite. */
const LATENCY_FLOOR = 0.05;

/**
 * Thompson sampling over (agent, task type) arms. Each decision scores the task type's best
 * known agents that are candidates now plus a bounded random sample of the others: a success
 * chance drawn from the Beta posterior, divided by a mean latency drawn from its posterior,
 * times a load discount. The best score wins, so uncertain agents get tried in proportion to
 * the chance that they are better, and well-known bad ones almost never.
 */
export class LearnedDistributionStrategy implements DistributionStrategy {
  private readonly table: ArmTable;
  private readonly sampler: PosteriorSampler;
  private readonly keys: TaskKeyReader;

  constructor(
    private readonly options: LearnedOptions,
    // Only the clock and randomness: tests and simulations drive it without an orchestrator.
    private readonly services: Pick<StrategyServices, 'now' | 'random'>,
  ) {
    this.table = new ArmTable(options);
    this.sampler = new PosteriorSampler(services.random);
    this.keys = new TaskKeyReader(options);
  }

  /** (agent, task type) records held now: never more than `maxArms`. */
  get armCount(): number {
    return this.table.size;
  }

  get taskTypeCount(): number {
    return this.table.taskTypeCount;
  }

  select(candidates: CandidateView, task: Task): AgentView | undefined {
    const size = candidates.size;
    if (size === 0) return undefined;
    const now = this.services.now();
    const table = this.table;
    const taskType = table.taskType(this.keys.key(task), this.keys.bucket(task));
    const elite = taskType?.elite ?? NO_ARMS;
    let best: AgentView | undefined;
    let bestScore = -1;
    for (const arm of elite) {
      const agent = candidates.get(table.agentIdOf(arm));
      if (agent === undefined) continue;
      const score = this.score(taskType, arm, agent, now);
      if (score > bestScore) {
        bestScore = score;
        best = agent;
      }
    }
    const sample = this.options.sample;
    const everyone = size <= sample;
    const draws = everyone ? size : sample;
    for (let draw = 0; draw < draws; draw++) {
      const agent = candidates.at(everyone ? draw : Math.floor(this.services.random() * size));
      if (agent === undefined) continue;
      const slot = table.slotOf(agent);
      // An agent without a slot has no arm at all, so it is in no elite.
      if (slot !== NONE && this.isElite(elite, slot)) continue;
      const arm = slot === NONE || taskType === undefined ? NONE : table.find(taskType, slot);
      const score = this.score(taskType, arm, agent, now);
      if (score > bestScore) {
        bestScore = score;
        best = agent;
      }
    }
    return best;
  }

  onCompleted(outcome: StrategyOutcome): void {
    this.learn(outcome, true);
  }

  onFailed(outcome: StrategyOutcome): void {
    this.learn(outcome, false);
  }

  private learn({ agent, task, latencyMs }: StrategyOutcome, succeeded: boolean): void {
    this.table.observe(
      this.keys.key(task),
      this.keys.bucket(task),
      agent,
      succeeded,
      Math.max(0, latencyMs),
      this.services.now(),
    );
  }

  /** One Thompson draw of successes per millisecond for this agent (its arm for the task type, or NONE) discounted by its load. */
  private score(taskType: TaskTypeArms | undefined, arm: number, agent: AgentView, now: number): number {
    // Before anything is known about the task type every agent has the same latency prior; 1 ms stands for it.
    const priorLatency =
      taskType === undefined || taskType.latencyWeight === 0 ? 1 : Math.max(taskType.latencyMean, Number.MIN_VALUE);
    let successChance: number;
    let latencyMean = priorLatency;
    let latencySpread = 0.5 * priorLatency;
    if (arm === NONE) {
      successChance = this.services.random();
    } else {
      const table = this.table;
      const kept = table.decay(arm, now);
      successChance = this.sampler.beta(1 + table.successes(arm) * kept, 1 + table.failures(arm) * kept);
      const observedWeight = table.latencyWeight(arm);
      const weight = observedWeight * kept;
      const observedMean = table.latencySum(arm) / observedWeight;
      const observedVariance = Math.max(0, table.latencySquares(arm) / observedWeight - observedMean * observedMean);
      // The type's mean acts as one prior observation with a spread of half of it.
      latencyMean = (priorLatency + weight * observedMean) / (1 + weight);
      latencySpread = Math.sqrt(
        (0.25 * priorLatency * priorLatency + weight * observedVariance) / (1 + weight) / (1 + weight),
      );
    }
    const latency = Math.max(LATENCY_FLOOR * latencyMean, latencyMean + latencySpread * this.sampler.normal());
    const capacity = agent.capacity;
    const utilisation = capacity > 0 && capacity !== Infinity ? agent.load / capacity : 0;
    return (successChance / latency) * (1 - this.options.loadWeight * utilisation);
  }

  private isElite(elite: readonly number[], slot: number): boolean {
    for (const arm of elite) if (this.table.slotOfArm(arm) === slot) return true;
    return false;
  }
}
