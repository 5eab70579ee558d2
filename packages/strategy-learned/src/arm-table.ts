/** What is known about one agent for one task type: decayed counts and latency sums. */
export class Arm {
  /** Successes and failures seen, discounted (the Beta posterior is 1 + each). */
  successes = 0;
  failures = 0;
  /** Latency observations, discounted like the counts, with their sum and sum of squares. */
  latencyWeight = 0;
  latencySum = 0;
  latencySquares = 0;
  /** Least-recently-updated list, oldest first. */
  older: Arm | undefined = undefined;
  newer: Arm | undefined = undefined;

  constructor(
    readonly agentId: string,
    readonly taskType: TaskTypeArms,
    public updatedAt: number,
  ) {}
}

/** Every agent's arm for one task type (a key and a size bucket), the type's typical latency and its best arms so far. */
export class TaskTypeArms {
  readonly arms = new Map<string, Arm>();
  /** Discounted mean latency over every agent: the prior for an agent not seen yet. */
  latencyMean = 0;
  latencyWeight = 0;
  /** The arms with the best expected successes per millisecond (at most `elite` of them). */
  readonly elite: Arm[] = [];

  constructor(
    readonly key: string,
    readonly bucket: number,
  ) {}
}

export interface ArmTableLimits {
  /** Evidence kept per arm, in observations: each new observation discounts the old by 1 - 1/window. */
  readonly window: number;
  /** Evidence not refreshed for this long counts half. */
  readonly halfLifeMs: number;
  readonly maxArms: number;
  readonly elite: number;
}

/**
 * Bounded, forgetting memory of outcomes per (agent, task type). Updates cost O(1) plus O(elite);
 * once `maxArms` arms exist, each new one evicts the least recently updated, so memory stays
 * bounded however many agents and task types come and go.
 */
export class ArmTable {
  /** Task types by key, then by size bucket: no key string is built per decision. */
  private readonly taskTypes = new Map<string, (TaskTypeArms | undefined)[]>();
  private taskTypeTotal = 0;
  private readonly discount: number;
  private readonly decayPerMs: number;
  private oldest: Arm | undefined = undefined;
  private newest: Arm | undefined = undefined;
  private count = 0;

  constructor(private readonly limits: ArmTableLimits) {
    this.discount = 1 - 1 / limits.window;
    this.decayPerMs = Math.LN2 / limits.halfLifeMs;
  }

  get size(): number {
    return this.count;
  }

  get taskTypeCount(): number {
    return this.taskTypeTotal;
  }

  taskType(key: string, bucket: number): TaskTypeArms | undefined {
    return this.taskTypes.get(key)?.[bucket];
  }

  /** How much of an arm's evidence still counts at `now` (1 when just updated, ½ after a half-life). */
  decay(arm: Arm, now: number): number {
    const idle = now - arm.updatedAt;
    return idle <= 0 ? 1 : Math.exp(-idle * this.decayPerMs);
  }

  observe(key: string, bucket: number, agentId: string, succeeded: boolean, latencyMs: number, now: number): void {
    let buckets = this.taskTypes.get(key);
    if (buckets === undefined) {
      buckets = [];
      this.taskTypes.set(key, buckets);
    }
    let taskType = buckets[bucket];
    if (taskType === undefined) {
      taskType = new TaskTypeArms(key, bucket);
      buckets[bucket] = taskType;
      this.taskTypeTotal++;
    }
    let arm = taskType.arms.get(agentId);
    if (arm === undefined) {
      arm = new Arm(agentId, taskType, now);
      taskType.arms.set(agentId, arm);
      this.count++;
    } else {
      this.unlink(arm);
    }
    this.append(arm);
    const keep = this.decay(arm, now) * this.discount;
    arm.successes = arm.successes * keep + (succeeded ? 1 : 0);
    arm.failures = arm.failures * keep + (succeeded ? 0 : 1);
    arm.latencyWeight = arm.latencyWeight * keep + 1;
    arm.latencySum = arm.latencySum * keep + latencyMs;
    arm.latencySquares = arm.latencySquares * keep + latencyMs * latencyMs;
    arm.updatedAt = Math.max(arm.updatedAt, now);
    taskType.latencyWeight = taskType.latencyWeight * this.discount + 1;
    taskType.latencyMean += (latencyMs - taskType.latencyMean) / taskType.latencyWeight;
    this.promote(taskType, arm);
    while (this.count > this.limits.maxArms && this.oldest !== undefined) this.evict(this.oldest);
  }

  /** Expected successes per millisecond from the posterior means (the ranking the elite keeps). */
  expectedRate(arm: Arm): number {
    const successChance = (1 + arm.successes) / (2 + arm.successes + arm.failures);
    const latency = (arm.taskType.latencyMean + arm.latencySum) / (1 + arm.latencyWeight);
    return successChance / Math.max(latency, Number.MIN_VALUE);
  }

  /** Keeps the task type's best arms: a just-updated arm takes the place of the worst one if it beats it. */
  private promote(taskType: TaskTypeArms, arm: Arm): void {
    const elite = taskType.elite;
    if (this.limits.elite === 0 || elite.includes(arm)) return;
    if (elite.length < this.limits.elite) {
      elite.push(arm);
      return;
    }
    let worstIndex = 0;
    let worstRate = Infinity;
    for (let index = 0; index < elite.length; index++) {
      const member = elite[index];
      if (member === undefined) continue;
      const rate = this.expectedRate(member);
      if (rate < worstRate) {
        worstRate = rate;
        worstIndex = index;
      }
    }
    if (this.expectedRate(arm) > worstRate) elite[worstIndex] = arm;
  }

  private evict(arm: Arm): void {
    this.unlink(arm);
    this.count--;
    const taskType = arm.taskType;
    taskType.arms.delete(arm.agentId);
    const eliteIndex = taskType.elite.indexOf(arm);
    if (eliteIndex >= 0) taskType.elite.splice(eliteIndex, 1);
    if (taskType.arms.size > 0) return;
    this.taskTypeTotal--;
    const buckets = this.taskTypes.get(taskType.key);
    if (buckets === undefined) return;
    buckets[taskType.bucket] = undefined;
    if (buckets.every((each) => each === undefined)) this.taskTypes.delete(taskType.key);
  }

  private append(arm: Arm): void {
    arm.older = this.newest;
    arm.newer = undefined;
    if (this.newest === undefined) this.oldest = arm;
    else this.newest.newer = arm;
    this.newest = arm;
  }

  private unlink(arm: Arm): void {
    if (arm.older === undefined) this.oldest = arm.newer;
    else arm.older.newer = arm.newer;
    if (arm.newer === undefined) this.newest = arm.older;
    else arm.newer.older = arm.older;
    arm.older = undefined;
    arm.newer = undefined;
  }
}
