import { agentAddress } from '../models/addresses.js';
import type { AgentStatus } from '../models/agent-status.js';
import type { AgentOutcomeStats, AgentSnapshot, AgentView } from '../models/agent-view.js';
import type { JsonValue } from '../models/json-value.js';
import { AgentReadView } from './agent-read-view.js';
import { AgentTimes } from './agent-times.js';
import { CapabilityGroup } from './capability-group.js';
import type { CandidatePool } from './candidate-pool.js';
import { NO_SLOT } from './pool-slots.js';

/** Weight of the newest sample in the latency EWMA. */
const LATENCY_EWMA_WEIGHT = 0.2;

// Shared stand-ins for what most agents of a large fleet never need their own of: each saves
// tens of bytes per agent (an empty Set alone costs ~100), and 100,000 agents must fit in 150 MB.
const NO_METADATA: Record<string, JsonValue> = Object.freeze({});
const NO_POOLS: readonly CandidatePool[] = Object.freeze([]);
const NO_OUTCOMES: Readonly<AgentOutcomeStats> = Object.freeze({ completed: 0, failed: 0, latencyEwmaMs: null });

/**
 * An agent's own outcome counters, updated in place on every answer: a new object per answer was
 * two allocations per task (the object and its boxed average). A class of its own keeps the
 * average a number field V8 can update without boxing. The fields are private, so the object a
 * strategy reads (`agent.stats`) cannot be written through.
 */
class OutcomeCounters implements AgentOutcomeStats {
  #completed = 0;
  #failed = 0;
  #latencyEwmaMs: number;

  constructor(firstLatencyMs: number) {
    this.#latencyEwmaMs = firstLatencyMs;
  }

  get completed(): number {
    return this.#completed;
  }

  get failed(): number {
    return this.#failed;
  }

  get latencyEwmaMs(): number {
    return this.#latencyEwmaMs;
  }

  record(succeeded: boolean, latencyMs: number, first: boolean): void {
    if (!first) this.#latencyEwmaMs += LATENCY_EWMA_WEIGHT * (latencyMs - this.#latencyEwmaMs);
    if (succeeded) this.#completed++;
    else this.#failed++;
  }

  toJSON(): AgentOutcomeStats {
    return { completed: this.#completed, failed: this.#failed, latencyEwmaMs: this.#latencyEwmaMs };
  }
}

/**
 * A frozen copy of registration metadata, all the way down: strategies read it through agent
 * views, and the caller's own object stays the caller's.
 */
function frozenCopy<Value extends JsonValue>(value: Value): Value {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Object.freeze(value.map((item) => frozenCopy(item))) as Value;
  // fromEntries defines own properties, so a "__proto__" key stays a key.
  return Object.freeze(
    Object.fromEntries(Object.entries(value).map(([key, item]) => [key, frozenCopy(item)])),
  ) as Value;
}

/** AgentRecord.state: the status is the index of its name, in the two low bits. */
const STATUSES: readonly AgentStatus[] = ['online', 'offline', 'draining'];
const ONLINE = 0;
const STATUS_BITS = 3;
const EXPECTS_HEARTBEATS = 4;
const DRAIN_REQUESTED = 8;

/** Array.isArray for the pool membership, keeping the element type (the built-in narrows to any[]). */
const isPoolList = (pools: CandidatePool | readonly CandidatePool[]): pools is readonly CandidatePool[] =>
  Array.isArray(pools);

/** The registry's own, mutable agent. Everything outside the registry sees it as an AgentView. */
export class AgentRecord implements AgentView {
  // Declared first, so they sit right after `id` and `sequence` (the constructor's own fields):
  // what a strategy reads of an agent it samples lies in one or two cache lines, not three.
  /** What strategies get instead of the record, made on first use (see `view`). */
  private readView: AgentReadView | undefined = undefined;
  /**
   * Its status (STATUSES index, low two bits) and two flags (EXPECTS_HEARTBEATS, DRAIN_REQUESTED), in one small integer: as
   * three fields they cost 16 bytes more per agent.
   */
  private state = 0;
  load = 0;
  /**
   * The capacity as a small integer, -1 for unbounded (see `capacity`). A field that has ever
   * held Infinity, or an 8 computed as a double, is boxed by V8 in a 16-byte HeapNumber for
   * every agent.
   */
  private limit = -1;
  /** The agents with its capability list, whose Set it shares (see `capabilities`). */
  group: CapabilityGroup;
  /** Its neighbours in its group: only CapabilityGroup changes them. */
  groupPrevious: AgentRecord | undefined = undefined;
  groupNext: AgentRecord | undefined = undefined;
  priority: number;
  metadata: Record<string, JsonValue>;
  /** Its own object from the first outcome on. */
  private outcomes: OutcomeCounters | undefined = undefined;
  /** Its registration and last-seen times: this slot of its group's store (see AgentTimes). */
  private timeSlot: number;
  /** The agent process's run, from its registration (see AgentRegistration.instanceId). */
  instanceId: string | undefined = undefined;
  /** Tasks whose handlers ignored a task_cancel, as the agent last reported (they stay in its load). */
  stuckTasks = 0;
  /** The session its transport registration was granted (checked on every later envelope); none for agents registered otherwise. */
  session: string | undefined = undefined;
  /** The principal that registered it through the engine; another may not take the id over. */
  owner: string | undefined = undefined;
  /** `agent.<id>`, made on its first task (see `address`). */
  private addressString: string | undefined = undefined;
  /**
   * Tasks this orchestrator handed to the agent and has not closed yet, in units of capacity (the
   * sum of their weights): a count, with each task pointing back (TaskRecord.heldBy) instead of a
   * Set of ids churning once per task.
   */
  held = 0;
  /**
   * Its membership in each candidate pool whose signature its capabilities cover, as the pool
   * and its slot there: the pool and the slot number themselves while it is in one pool (most
   * agents are), else two exact-size arrays, replaced rather than grown (a push reserves 17
   * slots, 152 bytes). A fleet of 100,000 notices either way.
   */
  private pools: CandidatePool | readonly CandidatePool[] = NO_POOLS;
  private poolSlots: number | readonly number[] = NO_SLOT;

  constructor(
    readonly id: string,
    capabilities: ReadonlySet<string> | CapabilityGroup,
    priority: number,
    capacity: number | undefined,
    metadata: Record<string, JsonValue> | undefined,
    readonly sequence: number,
    registeredAt: number,
  ) {
    this.group = capabilities instanceof CapabilityGroup ? capabilities : new CapabilityGroup(capabilities, '');
    this.priority = priority;
    this.capacity = capacity ?? Infinity;
    this.metadata = NO_METADATA;
    this.setMetadata(metadata);
    this.timeSlot = this.group.times.allocate(registeredAt);
  }

  /**
   * Where its task requests go. One string per agent rather than one per request: V8 keeps a
   * string's hash, so the transport's lookups by address stop hashing a new string every time.
   */
  get address(): string {
    return (this.addressString ??= agentAddress(this.id));
  }

  /** Shared by every agent with the same capability list: never mutate it. */
  get capabilities(): ReadonlySet<string> {
    return this.group.capabilities;
  }

  get registeredAt(): number {
    return this.group.times.registeredAt(this.timeSlot);
  }

  get lastSeenAt(): number {
    return this.group.times.lastSeenAt(this.timeSlot);
  }

  set lastSeenAt(at: number) {
    this.group.times.setLastSeenAt(this.timeSlot, at);
  }

  /**
   * Leaves the registry's store of times for one of its own (in a group of its own, outside the
   * registry), so the registry can reuse its slot: call once it has left its registry group.
   */
  detachTimes(): void {
    const own = new AgentTimes(1);
    const slot = own.allocate(this.registeredAt);
    own.setLastSeenAt(slot, this.lastSeenAt);
    this.group.times.release(this.timeSlot);
    this.group = new CapabilityGroup(this.group.capabilities, '', own);
    this.timeSlot = slot;
  }

  get status(): AgentStatus {
    return STATUSES[this.state & STATUS_BITS] as AgentStatus;
  }

  set status(value: AgentStatus) {
    this.state = (this.state & ~STATUS_BITS) | STATUSES.indexOf(value);
  }

  /** Registered over a transport: it must heartbeat, or it is marked offline. */
  get expectsHeartbeats(): boolean {
    return (this.state & EXPECTS_HEARTBEATS) !== 0;
  }

  set expectsHeartbeats(value: boolean) {
    this.state = value ? this.state | EXPECTS_HEARTBEATS : this.state & ~EXPECTS_HEARTBEATS;
  }

  /** An operator drained it: the agent's own heartbeats ("online") do not lift that. */
  get drainRequested(): boolean {
    return (this.state & DRAIN_REQUESTED) !== 0;
  }

  set drainRequested(value: boolean) {
    this.state = value ? this.state | DRAIN_REQUESTED : this.state & ~DRAIN_REQUESTED;
  }

  /** `Infinity` when unbounded. */
  get capacity(): number {
    return this.limit === -1 ? Infinity : this.limit;
  }

  set capacity(value: number) {
    // `value | 0` is the same integer as a small integer; anything else is kept as it is.
    this.limit = value === Infinity ? -1 : (value | 0) === value ? value | 0 : value;
  }

  /** Sets its metadata, frozen (strategies read it); none shares one frozen empty object. */
  setMetadata(metadata: Record<string, JsonValue> | undefined): void {
    this.metadata = metadata === undefined ? NO_METADATA : frozenCopy(metadata);
  }

  /** The read-only face strategies get: one per agent, so a view kept by a plugin stays comparable by identity. */
  get view(): AgentReadView {
    return (this.readView ??= new AgentReadView(this));
  }

  joinPool(pool: CandidatePool, slot: number): void {
    const pools = this.pools;
    const slots = this.poolSlots;
    if (!isPoolList(pools)) {
      this.pools = [pools, pool];
      this.poolSlots = [slots as number, slot];
    } else if (pools.length === 0) {
      this.pools = pool;
      this.poolSlots = slot;
    } else {
      this.pools = pools.concat(pool);
      this.poolSlots = (slots as readonly number[]).concat(slot);
    }
  }

  leavePool(pool: CandidatePool): void {
    const pools = this.pools;
    if (!isPoolList(pools)) {
      if (pools === pool) this.leaveAllPools();
      return;
    }
    const index = pools.indexOf(pool);
    if (index < 0) return;
    const restPools = pools.filter((_, each) => each !== index);
    const restSlots = (this.poolSlots as readonly number[]).filter((_, each) => each !== index);
    this.pools = restPools.length === 1 ? (restPools[0] as CandidatePool) : restPools;
    this.poolSlots = restSlots.length === 1 ? (restSlots[0] as number) : restSlots;
  }

  leaveAllPools(): void {
    this.pools = NO_POOLS;
    this.poolSlots = NO_SLOT;
  }

  /** Its slot in that pool, NO_SLOT if it is not a member. */
  slotIn(pool: CandidatePool): number {
    const pools = this.pools;
    if (!isPoolList(pools)) return pools === pool ? (this.poolSlots as number) : NO_SLOT;
    const index = pools.indexOf(pool);
    return index < 0 ? NO_SLOT : ((this.poolSlots as readonly number[])[index] as number);
  }

  /** Visits each pool it is in, with its slot there (pass a function that captures nothing: this runs on every load change). */
  forEachPool(visit: (pool: CandidatePool, slot: number, agent: AgentRecord) => void): void {
    const pools = this.pools;
    if (!isPoolList(pools)) {
      visit(pools, this.poolSlots as number, this);
      return;
    }
    const slots = this.poolSlots as readonly number[];
    for (let index = 0; index < pools.length; index++)
      visit(pools[index] as CandidatePool, slots[index] as number, this);
  }

  /** Online and with room for one more task. */
  get isAvailable(): boolean {
    return (this.state & STATUS_BITS) === ONLINE && this.load < this.capacity;
  }

  /** Online with room for a task of that weight (units of capacity). */
  hasRoomFor(weight: number): boolean {
    return (this.state & STATUS_BITS) === ONLINE && this.capacity - this.load >= weight;
  }

  /** Its outcome counters; a shared zero until its first answer. Live: copy to keep. */
  get stats(): Readonly<AgentOutcomeStats> {
    return this.outcomes ?? NO_OUTCOMES;
  }

  recordOutcome(succeeded: boolean, latencyMs: number): void {
    const first = this.outcomes === undefined;
    const outcomes = (this.outcomes ??= new OutcomeCounters(latencyMs));
    outcomes.record(succeeded, latencyMs, first);
  }

  snapshot(): AgentSnapshot {
    return {
      id: this.id,
      capabilities: [...this.capabilities],
      priority: this.priority,
      status: this.status,
      load: this.load,
      capacity: Number.isFinite(this.capacity) ? this.capacity : null,
      metadata: { ...this.metadata },
      stats: {
        completed: this.stats.completed,
        failed: this.stats.failed,
        latencyEwmaMs: this.stats.latencyEwmaMs,
      } satisfies AgentOutcomeStats,
      registeredAt: new Date(this.registeredAt).toISOString(),
      lastSeenAt: new Date(this.lastSeenAt).toISOString(),
      stuckTasks: this.stuckTasks,
    };
  }
}
