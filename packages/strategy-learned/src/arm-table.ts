import type { AgentView } from '@switchyard/core';

/** The agents and the best arms of one task type (a key and a size bucket), and the type's typical latency. */
export class TaskTypeArms {
  /** Arms this type holds now; the type is dropped when the last one is evicted. */
  armCount = 0;
  /** Discounted mean latency over every agent: the prior for an agent not seen yet. */
  latencyMean = 0;
  latencyWeight = 0;
  /** Handles of the arms with the best expected successes per millisecond (at most `elite` of them). */
  readonly elite: number[] = [];

  constructor(
    /** Small integer naming the type inside the table's arm index. */
    readonly id: number,
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

/** One arm as replicas share it: who, for which task type, its decayed counts and when it was last updated. */
export interface SharedArm {
  readonly agentId: string;
  readonly key: string;
  readonly bucket: number;
  readonly successes: number;
  readonly failures: number;
  readonly latencyWeight: number;
  readonly latencySum: number;
  readonly latencySquares: number;
  readonly updatedAt: number;
}

/** No arm, agent slot or index entry. */
export const NONE = -1;
/** Fields of one arm in `stats`: decayed counts, latency weight, sum and sum of squares, last update. */
const SUCCESSES = 0;
const FAILURES = 1;
const LATENCY_WEIGHT = 2;
const LATENCY_SUM = 3;
const LATENCY_SQUARES = 4;
const UPDATED_AT = 5;
/** Eight doubles, one 64-byte cache line: a scored arm costs one memory read. */
const STRIDE = 8;
/** Index entries, interleaved so one probe reads one cache line: task type id, agent slot, arm, unused. */
const ENTRY_TYPE = 0;
const ENTRY_SLOT = 1;
const ENTRY_ARM = 2;
const ENTRY = 4;
const INITIAL_ARMS = 64;
const INITIAL_HINTS = 1024;
/**
 * Task type ids below this have their arms in a dense table by (agent slot, type id) instead of
 * the hash index: one read from a small array per lookup rather than a probe into a large one.
 * Most deployments have a handful of task types; the rest use the hash index.
 */
const DIRECT_TYPES = 8;

function hashKey(typeId: number, slot: number): number {
  const mixed = Math.imul(typeId, 0x9e3779b1) ^ Math.imul(slot, 0x85ebca77);
  return mixed ^ (mixed >>> 15);
}

/**
 * Bounded, forgetting memory of outcomes per (agent, task type). An arm is a small integer
 * handle; its numbers live side by side in one Float64Array and it is found by (task type id,
 * agent slot) — in a dense table for the first few type ids, else in an open-addressing index —
 * where an agent's slot is a small integer it keeps while any arm of it exists. So a decision reads typed arrays, not maps of
 * objects, and allocates nothing. Updates cost O(1) plus O(elite); once `maxArms` arms exist,
 * each new one evicts the least recently updated, so memory stays bounded however many agents
 * and task types come and go.
 */
export class ArmTable {
  /** Task types by key, then by size bucket: no key string is built per decision. */
  private readonly taskTypes = new Map<string, (TaskTypeArms | undefined)[]>();
  private readonly typesById: (TaskTypeArms | undefined)[] = [];
  private readonly freeTypeIds: number[] = [];
  private taskTypeTotal = 0;
  private readonly discount: number;
  private readonly decayPerMs: number;

  /** Agent slots: id to slot, slot to id, arms per slot, slots free for reuse. */
  private readonly slots = new Map<string, number>();
  private readonly slotIds: string[] = [];
  private slotArms = new Int32Array(INITIAL_ARMS);
  private readonly freeSlots: number[] = [];
  /**
   * Slot hints by the agent's registration sequence (masked): a hint is used only if the slot
   * still holds this very id, so a stale or colliding hint costs a map lookup, never a wrong slot.
   * It spares most lookups the hashing of the id string, which is a read from another part of memory.
   */
  private slotHints = new Int32Array(INITIAL_HINTS).fill(NONE);

  /** Arm handles: numbers, owner, least-recently-updated list (oldest first), handles free for reuse. */
  private stats = new Float64Array(INITIAL_ARMS * STRIDE);
  private armType = new Int32Array(INITIAL_ARMS);
  private armSlot = new Int32Array(INITIAL_ARMS);
  private older = new Int32Array(INITIAL_ARMS);
  private newer = new Int32Array(INITIAL_ARMS);
  private readonly freeArms: number[] = [];
  private armHandles = 0;
  private oldest = NONE;
  private newest = NONE;
  private count = 0;

  /** Arms of the task types with ids below DIRECT_TYPES: slot * DIRECT_TYPES + type id → arm. */
  private direct = new Int32Array(INITIAL_ARMS * DIRECT_TYPES).fill(NONE);
  /** (type id, slot) → arm for the other task types, linear probing, at most half full; `indexMask` is its entry count - 1. */
  private index = emptyIndex(INITIAL_ARMS * 2);
  private indexMask = INITIAL_ARMS * 2 - 1;
  private hashed = 0;

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

  /** The agent's slot, or NONE if no arm of it is held. */
  slotOf(agent: Pick<AgentView, 'id' | 'sequence'>): number {
    const hintAt = agent.sequence & (this.slotHints.length - 1);
    const hint = this.slotHints[hintAt] ?? NONE;
    if (hint !== NONE && this.slotIds[hint] === agent.id) return hint;
    const slot = this.slots.get(agent.id);
    if (slot === undefined) return NONE;
    this.slotHints[hintAt] = slot;
    return slot;
  }

  /** The arm of this agent slot for this task type, or NONE. */
  find(taskType: TaskTypeArms, slot: number): number {
    const typeId = taskType.id;
    if (typeId < DIRECT_TYPES) return this.direct[slot * DIRECT_TYPES + typeId] ?? NONE;
    const index = this.index;
    const mask = this.indexMask;
    for (let at = hashKey(typeId, slot) & mask; ; at = (at + 1) & mask) {
      const entry = at * ENTRY;
      const held = index[entry + ENTRY_TYPE] ?? NONE;
      if (held === NONE) return NONE;
      if (held === typeId && index[entry + ENTRY_SLOT] === slot) return index[entry + ENTRY_ARM] ?? NONE;
    }
  }

  /**
   * For each of the first `count` agents (undefined: none), its arm for this task type or NONE,
   * into `arms`; and into `updatedAt`, when each arm was last updated (`now` for NONE). One
   * pass per level of memory over all of them: the agents of one decision are cold (random
   * members of a large fleet), and misses that do not wait for each other are waited for together.
   */
  findAll(
    taskType: TaskTypeArms | undefined,
    agents: readonly (Pick<AgentView, 'id' | 'sequence'> | undefined)[],
    count: number,
    arms: Int32Array,
    updatedAt: Float64Array,
    now: number,
  ): void {
    for (let index = 0; index < count; index++) {
      const agent = agents[index];
      arms[index] = agent === undefined ? NONE : this.slotOf(agent);
    }
    for (let index = 0; index < count; index++) {
      const slot = arms[index] ?? NONE;
      arms[index] = slot === NONE || taskType === undefined ? NONE : this.find(taskType, slot);
    }
    const stats = this.stats;
    for (let index = 0; index < count; index++) {
      const arm = arms[index] ?? NONE;
      updatedAt[index] = arm === NONE ? now : (stats[arm * STRIDE + UPDATED_AT] ?? 0);
    }
  }

  agentIdOf(arm: number): string {
    return this.slotIds[this.armSlot[arm] ?? NONE] ?? '';
  }

  slotOfArm(arm: number): number {
    return this.armSlot[arm] ?? NONE;
  }

  successes(arm: number): number {
    return this.stats[arm * STRIDE + SUCCESSES] ?? 0;
  }

  failures(arm: number): number {
    return this.stats[arm * STRIDE + FAILURES] ?? 0;
  }

  latencyWeight(arm: number): number {
    return this.stats[arm * STRIDE + LATENCY_WEIGHT] ?? 0;
  }

  latencySum(arm: number): number {
    return this.stats[arm * STRIDE + LATENCY_SUM] ?? 0;
  }

  latencySquares(arm: number): number {
    return this.stats[arm * STRIDE + LATENCY_SQUARES] ?? 0;
  }

  /** How much of an arm's evidence still counts at `now` (1 when just updated, ½ after a half-life). */
  decay(arm: number, now: number): number {
    return this.keptAfter(now - this.updatedAt(arm));
  }

  updatedAt(arm: number): number {
    return this.stats[arm * STRIDE + UPDATED_AT] ?? 0;
  }

  /** How much of any arm's evidence still counts after `idleMs` without an update. */
  keptAfter(idleMs: number): number {
    return idleMs <= 0 ? 1 : Math.exp(-idleMs * this.decayPerMs);
  }

  observe(
    key: string,
    bucket: number,
    agent: Pick<AgentView, 'id' | 'sequence'>,
    succeeded: boolean,
    latencyMs: number,
    now: number,
  ): void {
    const taskType = this.taskTypeFor(key, bucket);
    let slot = this.slotOf(agent);
    if (slot === NONE) slot = this.assignSlot(agent.id);
    const arm = this.freshArm(taskType, slot, now);
    const stats = this.stats;
    const base = arm * STRIDE;
    const keep = this.decay(arm, now) * this.discount;
    stats[base + SUCCESSES] = (stats[base + SUCCESSES] ?? 0) * keep + (succeeded ? 1 : 0);
    stats[base + FAILURES] = (stats[base + FAILURES] ?? 0) * keep + (succeeded ? 0 : 1);
    stats[base + LATENCY_WEIGHT] = (stats[base + LATENCY_WEIGHT] ?? 0) * keep + 1;
    stats[base + LATENCY_SUM] = (stats[base + LATENCY_SUM] ?? 0) * keep + latencyMs;
    stats[base + LATENCY_SQUARES] = (stats[base + LATENCY_SQUARES] ?? 0) * keep + latencyMs * latencyMs;
    stats[base + UPDATED_AT] = Math.max(stats[base + UPDATED_AT] ?? 0, now);
    taskType.latencyWeight = taskType.latencyWeight * this.discount + 1;
    taskType.latencyMean += (latencyMs - taskType.latencyMean) / taskType.latencyWeight;
    this.promote(taskType, arm);
    while (this.count > this.limits.maxArms && this.oldest !== NONE) this.evict(this.oldest);
  }

  /** The `limit` most recently updated arms, newest first: what this replica tells the others. */
  newestArms(limit: number): SharedArm[] {
    const arms: SharedArm[] = [];
    const stats = this.stats;
    for (let arm = this.newest; arm !== NONE && arms.length < limit; arm = this.older[arm] ?? NONE) {
      const taskType = this.typesById[this.armType[arm] ?? NONE];
      if (taskType === undefined) continue;
      const base = arm * STRIDE;
      arms.push({
        agentId: this.agentIdOf(arm),
        key: taskType.key,
        bucket: taskType.bucket,
        successes: stats[base + SUCCESSES] ?? 0,
        failures: stats[base + FAILURES] ?? 0,
        latencyWeight: stats[base + LATENCY_WEIGHT] ?? 0,
        latencySum: stats[base + LATENCY_SUM] ?? 0,
        latencySquares: stats[base + LATENCY_SQUARES] ?? 0,
        updatedAt: stats[base + UPDATED_AT] ?? 0,
      });
    }
    return arms;
  }

  /**
   * Adds another replica's arm, its counts faded to `now` by the time since it was updated
   * (a clock ahead of ours fades nothing), so evidence of several replicas about one agent sums.
   */
  absorb(shared: SharedArm, now: number): void {
    const kept = shared.updatedAt >= now ? 1 : Math.exp(-(now - shared.updatedAt) * this.decayPerMs);
    const latencyWeight = shared.latencyWeight * kept;
    if (latencyWeight <= 0 && shared.successes + shared.failures <= 0) return;
    const taskType = this.taskTypeFor(shared.key, shared.bucket);
    const slot = this.slots.get(shared.agentId) ?? this.assignSlot(shared.agentId);
    const arm = this.freshArm(taskType, slot, now);
    const stats = this.stats;
    const base = arm * STRIDE;
    stats[base + SUCCESSES] = (stats[base + SUCCESSES] ?? 0) + shared.successes * kept;
    stats[base + FAILURES] = (stats[base + FAILURES] ?? 0) + shared.failures * kept;
    stats[base + LATENCY_WEIGHT] = (stats[base + LATENCY_WEIGHT] ?? 0) + latencyWeight;
    stats[base + LATENCY_SUM] = (stats[base + LATENCY_SUM] ?? 0) + shared.latencySum * kept;
    stats[base + LATENCY_SQUARES] = (stats[base + LATENCY_SQUARES] ?? 0) + shared.latencySquares * kept;
    stats[base + UPDATED_AT] = now;
    if (latencyWeight > 0) {
      const weight = taskType.latencyWeight + latencyWeight;
      taskType.latencyMean += (shared.latencySum * kept - taskType.latencyMean * latencyWeight) / weight;
      taskType.latencyWeight = weight;
    }
    this.promote(taskType, arm);
    while (this.count > this.limits.maxArms && this.oldest !== NONE) this.evict(this.oldest);
  }

  /** Expected successes per millisecond from the posterior means (the ranking the elite keeps). */
  expectedRate(taskType: TaskTypeArms, arm: number): number {
    const base = arm * STRIDE;
    const stats = this.stats;
    const successes = stats[base + SUCCESSES] ?? 0;
    const successChance = (1 + successes) / (2 + successes + (stats[base + FAILURES] ?? 0));
    const latency =
      (taskType.latencyMean + (stats[base + LATENCY_SUM] ?? 0)) / (1 + (stats[base + LATENCY_WEIGHT] ?? 0));
    return successChance / Math.max(latency, Number.MIN_VALUE);
  }

  private taskTypeFor(key: string, bucket: number): TaskTypeArms {
    let buckets = this.taskTypes.get(key);
    if (buckets === undefined) {
      buckets = [];
      this.taskTypes.set(key, buckets);
    }
    let taskType = buckets[bucket];
    if (taskType === undefined) {
      const id = this.freeTypeIds.pop() ?? this.typesById.length;
      taskType = new TaskTypeArms(id, key, bucket);
      this.typesById[id] = taskType;
      buckets[bucket] = taskType;
      this.taskTypeTotal++;
    }
    return taskType;
  }

  private assignSlot(agentId: string): number {
    const slot = this.freeSlots.pop() ?? this.slotIds.length;
    if (slot >= this.slotArms.length) this.slotArms = grownInt32(this.slotArms, slot + 1);
    if ((slot + 1) * DIRECT_TYPES > this.direct.length) {
      const direct = new Int32Array(this.direct.length * 2).fill(NONE);
      direct.set(this.direct);
      this.direct = direct;
    }
    this.slotIds[slot] = agentId;
    this.slotArms[slot] = 0;
    this.slots.set(agentId, slot);
    if (this.slotIds.length * 2 > this.slotHints.length)
      this.slotHints = new Int32Array(this.slotHints.length * 2).fill(NONE);
    return slot;
  }

  /** The (type, slot) arm, made if missing, moved to the newest end of the recency list. */
  private freshArm(taskType: TaskTypeArms, slot: number, now: number): number {
    const found = this.find(taskType, slot);
    const arm = found === NONE ? this.createArm(taskType, slot, now) : found;
    if (found !== NONE) this.unlink(arm);
    this.append(arm);
    return arm;
  }

  private createArm(taskType: TaskTypeArms, slot: number, now: number): number {
    let arm = this.freeArms.pop();
    if (arm === undefined) {
      arm = this.armHandles++;
      if (arm >= this.armType.length) this.growArms(arm + 1);
    }
    const base = arm * STRIDE;
    this.stats.fill(0, base, base + STRIDE);
    this.stats[base + UPDATED_AT] = now;
    this.armType[arm] = taskType.id;
    this.armSlot[arm] = slot;
    this.slotArms[slot] = (this.slotArms[slot] ?? 0) + 1;
    taskType.armCount++;
    this.count++;
    this.insertIndex(taskType.id, slot, arm);
    return arm;
  }

  /** Keeps the task type's best arms: a just-updated arm takes the place of the worst one if it beats it. */
  private promote(taskType: TaskTypeArms, arm: number): void {
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
      const rate = this.expectedRate(taskType, member);
      if (rate < worstRate) {
        worstRate = rate;
        worstIndex = index;
      }
    }
    if (this.expectedRate(taskType, arm) > worstRate) elite[worstIndex] = arm;
  }

  private evict(arm: number): void {
    this.unlink(arm);
    this.count--;
    const taskType = this.typesById[this.armType[arm] ?? NONE];
    const slot = this.armSlot[arm] ?? NONE;
    this.freeArms.push(arm);
    const remaining = (this.slotArms[slot] ?? 1) - 1;
    this.slotArms[slot] = remaining;
    if (remaining === 0) {
      this.slots.delete(this.slotIds[slot] ?? '');
      this.slotIds[slot] = '';
      this.freeSlots.push(slot);
    }
    if (taskType === undefined) return;
    this.removeIndex(taskType.id, slot);
    const eliteIndex = taskType.elite.indexOf(arm);
    if (eliteIndex >= 0) taskType.elite.splice(eliteIndex, 1);
    taskType.armCount--;
    if (taskType.armCount > 0) return;
    this.taskTypeTotal--;
    this.typesById[taskType.id] = undefined;
    this.freeTypeIds.push(taskType.id);
    const buckets = this.taskTypes.get(taskType.key);
    if (buckets === undefined) return;
    buckets[taskType.bucket] = undefined;
    if (buckets.every((each) => each === undefined)) this.taskTypes.delete(taskType.key);
  }

  private append(arm: number): void {
    this.older[arm] = this.newest;
    this.newer[arm] = NONE;
    if (this.newest === NONE) this.oldest = arm;
    else this.newer[this.newest] = arm;
    this.newest = arm;
  }

  private unlink(arm: number): void {
    const older = this.older[arm] ?? NONE;
    const newer = this.newer[arm] ?? NONE;
    if (older === NONE) this.oldest = newer;
    else this.newer[older] = newer;
    if (newer === NONE) this.newest = older;
    else this.older[newer] = older;
    this.older[arm] = NONE;
    this.newer[arm] = NONE;
  }

  private growArms(needed: number): void {
    let capacity = this.armType.length * 2;
    while (capacity < needed) capacity *= 2;
    const stats = new Float64Array(capacity * STRIDE);
    stats.set(this.stats);
    this.stats = stats;
    this.armType = grownInt32(this.armType, capacity);
    this.armSlot = grownInt32(this.armSlot, capacity);
    this.older = grownInt32(this.older, capacity);
    this.newer = grownInt32(this.newer, capacity);
  }

  private insertIndex(typeId: number, slot: number, arm: number): void {
    if (typeId < DIRECT_TYPES) {
      this.direct[slot * DIRECT_TYPES + typeId] = arm;
      return;
    }
    if (++this.hashed * 2 > this.indexMask + 1) this.growIndex();
    this.insertHashed(typeId, slot, arm);
  }

  private insertHashed(typeId: number, slot: number, arm: number): void {
    const index = this.index;
    const mask = this.indexMask;
    let at = hashKey(typeId, slot) & mask;
    while (index[at * ENTRY + ENTRY_TYPE] !== NONE) at = (at + 1) & mask;
    index[at * ENTRY + ENTRY_TYPE] = typeId;
    index[at * ENTRY + ENTRY_SLOT] = slot;
    index[at * ENTRY + ENTRY_ARM] = arm;
  }

  /** Linear-probing delete by backward shift: no tombstones, so lookups never slow down. */
  private removeIndex(typeId: number, slot: number): void {
    if (typeId < DIRECT_TYPES) {
      this.direct[slot * DIRECT_TYPES + typeId] = NONE;
      return;
    }
    const index = this.index;
    const mask = this.indexMask;
    let hole = hashKey(typeId, slot) & mask;
    while (index[hole * ENTRY + ENTRY_TYPE] !== typeId || index[hole * ENTRY + ENTRY_SLOT] !== slot) {
      if (index[hole * ENTRY + ENTRY_TYPE] === NONE) return;
      hole = (hole + 1) & mask;
    }
    this.hashed--;
    for (let next = (hole + 1) & mask; index[next * ENTRY + ENTRY_TYPE] !== NONE; next = (next + 1) & mask) {
      const home = hashKey(index[next * ENTRY + ENTRY_TYPE] ?? NONE, index[next * ENTRY + ENTRY_SLOT] ?? NONE) & mask;
      // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
      const movable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
      if (!movable) continue;
      index.copyWithin(hole * ENTRY, next * ENTRY, next * ENTRY + ENTRY);
      hole = next;
    }
    index[hole * ENTRY + ENTRY_TYPE] = NONE;
  }

  private growIndex(): void {
    const old = this.index;
    const entries = (this.indexMask + 1) * 2;
    this.index = emptyIndex(entries);
    this.indexMask = entries - 1;
    for (let entry = 0; entry < old.length; entry += ENTRY) {
      const typeId = old[entry + ENTRY_TYPE] ?? NONE;
      if (typeId !== NONE) this.insertHashed(typeId, old[entry + ENTRY_SLOT] ?? NONE, old[entry + ENTRY_ARM] ?? NONE);
    }
  }
}

function emptyIndex(entries: number): Int32Array<ArrayBuffer> {
  const index = new Int32Array(entries * ENTRY);
  for (let entry = 0; entry < index.length; entry += ENTRY) index[entry + ENTRY_TYPE] = NONE;
  return index;
}

function grownInt32(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  let capacity = array.length * 2;
  while (capacity < needed) capacity *= 2;
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}
