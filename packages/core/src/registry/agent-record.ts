import type { AgentStatus } from '../models/agent-status.js';
import type { AgentOutcomeStats, AgentSnapshot, AgentView } from '../models/agent-view.js';
import type { JsonValue } from '../models/json-value.js';
import type { PoolEntry } from './pool-entry.js';

/** Weight of the newest sample in the latency EWMA. */
const LATENCY_EWMA_WEIGHT = 0.2;

// Shared stand-ins for what most agents of a large fleet never need their own of: each saves
// tens of bytes per agent (an empty Set alone costs ~100), and 100,000 agents must fit in 150 MB.
const NO_METADATA: Record<string, JsonValue> = Object.freeze({});
const NO_OUTCOMES: Readonly<AgentOutcomeStats> = Object.freeze({ completed: 0, failed: 0, latencyEwmaMs: null });
const NO_POOLS: readonly PoolEntry[] = Object.freeze([]);

/** Array.isArray for the pool membership, keeping the element type (the built-in narrows to any[]). */
const isEntryList = (pools: PoolEntry | readonly PoolEntry[]): pools is readonly PoolEntry[] => Array.isArray(pools);

/** The registry's own, mutable agent. Everything outside the registry sees it as an AgentView. */
export class AgentRecord implements AgentView {
  /** Shared by every agent with the same capability list (the registry interns them): never mutate it. */
  capabilities: ReadonlySet<string>;
  priority: number;
  status: AgentStatus = 'online';
  load = 0;
  capacity: number;
  metadata: Record<string, JsonValue>;
  /** Its own object from the first outcome on. */
  stats: Readonly<AgentOutcomeStats> = NO_OUTCOMES;
  lastSeenAt: number;
  /** Registered over a transport: it must heartbeat, or it is marked offline. */
  expectsHeartbeats = false;
  /** The agent process's run, from its registration (see AgentRegistration.instanceId). */
  instanceId: string | undefined = undefined;
  /** An operator drained it: the agent's own heartbeats ("online") do not lift that. */
  drainRequested = false;
  private inFlightTasks: Set<string> | undefined;
  /**
   * Its membership in each candidate pool whose signature its capabilities cover: the entry
   * itself while it is in one pool (most agents are), else an exact-size array, replaced rather
   * than grown (a push reserves 17 slots, 152 bytes). A fleet of 100,000 notices either way.
   */
  private pools: PoolEntry | readonly PoolEntry[] = NO_POOLS;

  constructor(
    readonly id: string,
    capabilities: ReadonlySet<string>,
    priority: number,
    capacity: number | undefined,
    metadata: Record<string, JsonValue> | undefined,
    readonly sequence: number,
    readonly registeredAt: number,
  ) {
    this.capabilities = capabilities;
    this.priority = priority;
    this.capacity = capacity ?? Infinity;
    this.metadata = metadata ?? NO_METADATA;
    this.lastSeenAt = registeredAt;
  }

  /** Ids of tasks assigned to this agent and not yet answered; made on first use, since most of a fleet is idle. */
  get inFlight(): Set<string> {
    return (this.inFlightTasks ??= new Set());
  }

  /** Sets its metadata; none shares one frozen empty object. */
  setMetadata(metadata: Record<string, JsonValue> | undefined): void {
    this.metadata = metadata ?? NO_METADATA;
  }

  joinPool(entry: PoolEntry): void {
    const pools = this.pools;
    this.pools = isEntryList(pools) ? (pools.length === 0 ? entry : pools.concat(entry)) : [pools, entry];
  }

  leavePool(entry: PoolEntry): void {
    const pools = this.pools;
    if (!isEntryList(pools)) {
      if (pools === entry) this.pools = NO_POOLS;
      return;
    }
    const rest = pools.filter((each) => each !== entry);
    this.pools = rest.length === 1 ? (rest[0] as PoolEntry) : rest;
  }

  leaveAllPools(): void {
    this.pools = NO_POOLS;
  }

  /** Its entry in that pool, if it is a member. */
  entryIn(pool: PoolEntry['pool']): PoolEntry | undefined {
    const pools = this.pools;
    if (!isEntryList(pools)) return pools.pool === pool ? pools : undefined;
    return pools.find((entry) => entry.pool === pool);
  }

  /** Visits each of its pool entries (pass a function that captures nothing: this runs on every load change). */
  forEachPoolEntry(visit: (entry: PoolEntry) => void): void {
    const pools = this.pools;
    if (!isEntryList(pools)) visit(pools);
    else for (const entry of pools) visit(entry);
  }

  /** Online and with room for one more task. */
  get isAvailable(): boolean {
    return this.status === 'online' && this.load < this.capacity;
  }

  recordOutcome(succeeded: boolean, latencyMs: number): void {
    const { completed, failed, latencyEwmaMs: previous } = this.stats;
    this.stats = {
      completed: succeeded ? completed + 1 : completed,
      failed: succeeded ? failed : failed + 1,
      latencyEwmaMs: previous === null ? latencyMs : previous + LATENCY_EWMA_WEIGHT * (latencyMs - previous),
    };
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
      stats: { ...this.stats } satisfies AgentOutcomeStats,
      registeredAt: new Date(this.registeredAt).toISOString(),
      lastSeenAt: new Date(this.lastSeenAt).toISOString(),
    };
  }
}
