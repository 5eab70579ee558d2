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
import { ArmSharing } from './arm-sharing.js';
import type { LearnedOptions } from './learned-options.js';
import { PosteriorSampler } from './posterior-sampler.js';
import { TaskKeyReader } from './task-key-reader.js';

const NO_ARMS: readonly number[] = [];
/** A latency draw never goes below this share of its mean, so one lucky draw cannot make a score infinite. */
const LATENCY_FLOOR = 0.05;
/**
 * No latency draw from observed latencies goes below one millisecond, the resolution they are
 * measured in: tasks that finish within the same millisecond (observed as 0 ms) would otherwise
 * divide a success chance by almost nothing, and an agent failing at once could outscore one that
 * succeeds. (Draws from the prior alone keep their spread: they only order unknown agents.)
 */
const LATENCY_RESOLUTION_MS = 1;

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
  /** With `share`: the exchange with the other replicas, and the table of their evidence it rebuilds. */
  private readonly sharing: ArmSharing | undefined;
  /** One decision's sampled agents, their arms and when each arm was updated (reused: a decision allocates nothing). */
  private readonly picked: (AgentView | undefined)[];
  private readonly pickedArms: Int32Array;
  private readonly pickedUpdatedAt: Float64Array;

  constructor(
    private readonly options: LearnedOptions,
    // The clock and randomness suffice: tests and simulations drive it without an orchestrator.
    private readonly services: Pick<StrategyServices, 'now' | 'random'> &
      Partial<Pick<StrategyServices, 'logger' | 'sharedState'>>,
  ) {
    this.table = new ArmTable(options);
    this.sampler = new PosteriorSampler(services.random);
    this.keys = new TaskKeyReader(options);
    this.picked = new Array<AgentView | undefined>(options.sample).fill(undefined);
    this.pickedArms = new Int32Array(options.sample);
    this.pickedUpdatedAt = new Float64Array(options.sample);
    if (options.share === undefined) return;
    const sharedState = services.sharedState;
    if (sharedState === undefined) {
      // A config written for NATS still runs on the memory transport, learning alone.
      services.logger?.warn('share is set but this transport has no shared state: learning alone', {
        key: options.share.key,
      });
      return;
    }
    this.sharing = new ArmSharing(options.share, options, this.table, sharedState, services.logger, services.now);
  }

  /**
   * Publishes this replica's evidence and reads the others' now (what every `share.intervalMs`
   * does); resolves when done, never rejects. After dispose it only waits for an exchange under way.
   */
  syncShared(): Promise<void> {
    return this.sharing?.sync() ?? Promise.resolve();
  }

  /** Exchanges with the other replicas finished so far (0 without `share`). */
  get sharedSyncCount(): number {
    return this.sharing?.syncCount ?? 0;
  }

  /** (agent, task type) records heard from the other replicas at the last sync. */
  get sharedArmCount(): number {
    return this.sharing?.othersTable?.size ?? 0;
  }

  /** Stops sharing (its timer and any exchange under way); deciding and learning locally go on. */
  dispose(): void {
    this.sharing?.dispose();
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
    const key = this.keys.key(task);
    const bucket = this.keys.bucket(task);
    const taskType = table.taskType(key, bucket);
    const elite = taskType?.elite ?? NO_ARMS;
    const others = this.sharing?.othersTable;
    const otherType = others?.taskType(key, bucket);
    const priorLatency = priorLatencyOf(taskType, otherType);
    let best: AgentView | undefined;
    let bestScore = -1;
    for (const arm of elite) {
      const agent = candidates.get(table.agentIdOf(arm));
      if (agent === undefined) continue;
      const otherArm =
        others === undefined || otherType === undefined ? NONE : others.find(otherType, others.slotOf(agent));
      const score = this.score(arm, table.decay(arm, now), otherArm, priorLatency, agent, now);
      if (score > bestScore) {
        bestScore = score;
        best = agent;
      }
    }
    const otherElite = otherType?.elite ?? NO_ARMS;
    if (others !== undefined && otherType !== undefined) {
      // The agents the others know best, unless they are among this replica's best already.
      for (const otherArm of otherElite) {
        const agent = candidates.get(others.agentIdOf(otherArm));
        if (agent === undefined) continue;
        const slot = table.slotOf(agent);
        if (slot !== NONE && isElite(table, elite, slot)) continue;
        const arm = slot === NONE || taskType === undefined ? NONE : table.find(taskType, slot);
        const score = this.score(arm, arm === NONE ? 0 : table.decay(arm, now), otherArm, priorLatency, agent, now);
        if (score > bestScore) {
          bestScore = score;
          best = agent;
        }
      }
    }
    const sample = this.options.sample;
    const everyone = size <= sample;
    const draws = everyone ? size : sample;
    // The sampled agents are cold in memory (their records, views and arms): each step reads one
    // level of all of them before the next, so their cache misses are waited for together.
    const picked = this.picked;
    const pickedArms = this.pickedArms;
    const pickedUpdatedAt = this.pickedUpdatedAt;
    for (let draw = 0; draw < draws; draw++)
      picked[draw] = candidates.at(everyone ? draw : Math.floor(this.services.random() * size));
    table.findAll(taskType, picked, draws, pickedArms, pickedUpdatedAt, now);
    for (let draw = 0; draw < draws; draw++) {
      const agent = picked[draw];
      if (agent === undefined) continue;
      picked[draw] = undefined;
      const arm = pickedArms[draw] ?? NONE;
      // An agent without an arm for this task type is in no elite of it.
      if (arm !== NONE && elite.includes(arm)) continue;
      let otherArm = NONE;
      if (others !== undefined && otherType !== undefined) {
        const otherSlot = others.slotOf(agent);
        if (otherSlot !== NONE && isElite(others, otherElite, otherSlot)) continue;
        otherArm = otherSlot === NONE ? NONE : others.find(otherType, otherSlot);
      }
      const score = this.score(
        arm,
        table.keptAfter(now - (pickedUpdatedAt[draw] ?? now)),
        otherArm,
        priorLatency,
        agent,
        now,
      );
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

  /**
   * One Thompson draw of successes per millisecond for this agent discounted by its load: from
   * its arm for the task type here (or NONE), whose evidence counts `kept` (the arm's decay now),
   * and, with `share`, its arm in the other replicas' table (or NONE), their faded evidence
   * summed. `priorLatency` is the task type's typical latency (priorLatencyOf): what an agent's
   * latency is drawn around before it is known.
   */
  private score(
    arm: number,
    kept: number,
    otherArm: number,
    priorLatency: number,
    agent: AgentView,
    now: number,
  ): number {
    let successChance: number;
    let latencyMean = priorLatency;
    let latencySpread = 0.5 * priorLatency;
    let latencyEvidence = 0;
    if (arm === NONE && otherArm === NONE) {
      successChance = this.services.random();
    } else {
      let successes = 0;
      let failures = 0;
      let weight = 0;
      let latencySum = 0;
      let latencySquares = 0;
      if (arm !== NONE) {
        const table = this.table;
        successes = table.successes(arm) * kept;
        failures = table.failures(arm) * kept;
        weight = table.latencyWeight(arm) * kept;
        latencySum = table.latencySum(arm) * kept;
        latencySquares = table.latencySquares(arm) * kept;
      }
      const others = this.sharing?.othersTable;
      if (otherArm !== NONE && others !== undefined) {
        const otherKept = others.decay(otherArm, now);
        successes += others.successes(otherArm) * otherKept;
        failures += others.failures(otherArm) * otherKept;
        weight += others.latencyWeight(otherArm) * otherKept;
        latencySum += others.latencySum(otherArm) * otherKept;
        latencySquares += others.latencySquares(otherArm) * otherKept;
      }
      successChance = this.sampler.beta(1 + successes, 1 + failures);
      latencyEvidence = weight;
      const observedMean = weight > 0 ? latencySum / weight : priorLatency;
      const observedVariance = weight > 0 ? Math.max(0, latencySquares / weight - observedMean * observedMean) : 0;
      // The type's mean acts as one prior observation with a spread of half of it.
      latencyMean = (priorLatency + weight * observedMean) / (1 + weight);
      latencySpread = Math.sqrt(
        (0.25 * priorLatency * priorLatency + weight * observedVariance) / (1 + weight) / (1 + weight),
      );
    }
    const latency = Math.max(
      latencyEvidence > 0 ? LATENCY_RESOLUTION_MS : 0,
      LATENCY_FLOOR * latencyMean,
      latencyMean + latencySpread * this.sampler.normal(),
    );
    const capacity = agent.capacity;
    const utilisation = capacity > 0 && capacity !== Infinity ? agent.load / capacity : 0;
    return (successChance / latency) * (1 - this.options.loadWeight * utilisation);
  }
}

/**
 * The task type's mean latency over this replica's and the others' evidence; 1 ms while nothing
 * is known (every agent then has the same prior, so its scale does not matter).
 */
function priorLatencyOf(taskType: TaskTypeArms | undefined, otherType: TaskTypeArms | undefined): number {
  const ownWeight = taskType?.latencyWeight ?? 0;
  const otherWeight = otherType?.latencyWeight ?? 0;
  if (otherWeight === 0) return ownWeight === 0 ? 1 : Math.max(taskType?.latencyMean ?? 1, Number.MIN_VALUE);
  const mean =
    ((taskType?.latencyMean ?? 0) * ownWeight + (otherType?.latencyMean ?? 0) * otherWeight) /
    (ownWeight + otherWeight);
  return Math.max(mean, Number.MIN_VALUE);
}

function isElite(table: ArmTable, elite: readonly number[], slot: number): boolean {
  for (const arm of elite) if (table.slotOfArm(arm) === slot) return true;
  return false;
}
