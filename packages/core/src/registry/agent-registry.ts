import { NotFoundError } from '../errors/not-found-error.js';
import type { AgentStatus } from '../models/agent-status.js';
import type { ParsedAgentRegistration } from '../models/agent-registration.js';
import { AgentRecord } from './agent-record.js';
import { AgentTimes } from './agent-times.js';
import { CandidatePool } from './candidate-pool.js';
import { CapabilityGroup } from './capability-group.js';
import { capabilitySignature } from './capability-signature.js';
import type { RegistryOptions } from './registry-options.js';

/** An attribute of an agent that strategies may have derived something from. */
export type AgentAttribute = 'priority' | 'capacity' | 'capabilities' | 'metadata';

/** What happened to an agent, for whoever watches the registry (strategies, through their services). */
export type AgentChange =
  | { readonly type: 'joined'; readonly agent: AgentRecord }
  | { readonly type: 'left'; readonly agent: AgentRecord }
  | { readonly type: 'changed'; readonly agent: AgentRecord; readonly changes: readonly AgentAttribute[] };

/** Why capable agents could not take a task, for TaskDistributionError. */
export interface CandidateShortfall {
  /** Required capabilities that no registered agent has. */
  readonly missingCapabilities: string[];
  /** Agents that have every required capability, in any state. */
  readonly capableAgents: number;
  readonly offline: number;
  readonly draining: number;
  readonly full: number;
}

/**
 * All registered agents, a capability index, and one candidate pool per capability set that
 * tasks have asked for. Every change to an agent is pushed into the pools it belongs to, so a
 * decision never scans the fleet.
 */
export class AgentRegistry {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly pools = new Map<string, CandidatePool>();
  /**
   * The agents by capability list (order kept): each agent is in one group, whose Set of
   * capabilities it shares. Finding capable agents walks the groups, so an agent costs two
   * link fields, not a Set entry per capability: a fleet has few distinct lists and many agents.
   */
  private readonly groups = new Map<string, CapabilityGroup>();
  /** The groups whose list has each capability. */
  private readonly groupsByCapability = new Map<string, Set<CapabilityGroup>>();
  /** Pools indexed by the first capability of their sorted signature, to find an agent's pools. */
  private readonly poolsByFirstCapability = new Map<string, Set<CandidatePool>>();
  /** Every registered agent's registration and last-seen times. */
  private readonly times = new AgentTimes();
  private nextSequence = 1;
  private tick = 0;
  /** Told of every join, leave and attribute change; empty in most processes, so nothing is built then. */
  private readonly watchers = new Set<(change: AgentChange) => void>();

  constructor(private readonly options: RegistryOptions) {}

  get size(): number {
    return this.agents.size;
  }

  get(agentId: string): AgentRecord | undefined {
    return this.agents.get(agentId);
  }

  require(agentId: string): AgentRecord {
    const agent = this.agents.get(agentId);
    if (agent === undefined) throw NotFoundError.agent(agentId);
    return agent;
  }

  all(): IterableIterator<AgentRecord> {
    return this.agents.values();
  }

  /** Hears of every agent that joins, leaves or changes an attribute; returns the way to stop. The watcher must not throw. */
  watch(watcher: (change: AgentChange) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Adds an agent, or updates one with the same id while keeping its load and in-flight tasks. */
  register(registration: ParsedAgentRegistration, now: number): { agent: AgentRecord; created: boolean } {
    const existing = this.agents.get(registration.agentId);
    if (existing === undefined) {
      const group = this.groupFor(registration.capabilities);
      const agent = new AgentRecord(
        registration.agentId,
        group,
        registration.priority,
        registration.capacity,
        registration.metadata,
        this.nextSequence++,
        now,
      );
      this.agents.set(agent.id, agent);
      group.add(agent);
      this.joinPools(agent);
      if (this.watchers.size > 0) this.announce({ type: 'joined', agent });
      return { agent, created: true };
    }
    const capabilitiesChanged =
      existing.capabilities.size !== registration.capabilities.length ||
      registration.capabilities.some((capability) => !existing.capabilities.has(capability));
    if (capabilitiesChanged) {
      this.leavePools(existing);
      this.leaveGroup(existing);
      const group = this.groupFor(registration.capabilities);
      existing.group = group;
      group.add(existing);
    }
    const changes: AgentAttribute[] = capabilitiesChanged ? ['capabilities'] : [];
    if (existing.priority !== registration.priority) changes.push('priority');
    if (existing.capacity !== (registration.capacity ?? Infinity)) changes.push('capacity');
    if (JSON.stringify(existing.metadata) !== JSON.stringify(registration.metadata ?? {})) changes.push('metadata');
    existing.priority = registration.priority;
    existing.capacity = registration.capacity ?? Infinity;
    existing.setMetadata(registration.metadata);
    existing.status = 'online';
    existing.lastSeenAt = now;
    if (capabilitiesChanged) this.joinPools(existing);
    else this.refreshPools(existing);
    // Joining pools anew moved their versions already; otherwise they move here.
    if (changes.length > 0 && !capabilitiesChanged) existing.forEachPool(touchPool);
    if (changes.length > 0 && this.watchers.size > 0) this.announce({ type: 'changed', agent: existing, changes });
    return { agent: existing, created: false };
  }

  unregister(agentId: string): AgentRecord {
    const agent = this.require(agentId);
    this.leavePools(agent);
    this.leaveGroup(agent);
    this.agents.delete(agentId);
    agent.detachTimes();
    if (this.watchers.size > 0) this.announce({ type: 'left', agent });
    return agent;
  }

  setStatus(agent: AgentRecord, status: AgentStatus): void {
    if (agent.status === status) return;
    agent.status = status;
    this.refreshPools(agent);
  }

  setCapacity(agent: AgentRecord, capacity: number): void {
    if (agent.capacity === capacity) return;
    agent.capacity = capacity;
    this.refreshPools(agent);
    agent.forEachPool(touchPool);
    if (this.watchers.size > 0) this.announce({ type: 'changed', agent, changes: ['capacity'] });
  }

  setLoad(agent: AgentRecord, load: number): void {
    const next = Math.max(0, load);
    if (agent.load === next) return;
    agent.load = next;
    this.refreshPools(agent);
  }

  /** The available agents with every one of these capabilities, kept current from now on. */
  candidates(requiredCapabilities: readonly string[]): CandidatePool {
    // One capability is its own pool key: looking it up first lets the usual decision allocate
    // nothing, and a process that allocates little lets V8 shrink its young generation.
    let pool = requiredCapabilities.length === 1 ? this.pools.get(requiredCapabilities[0] as string) : undefined;
    if (pool === undefined) {
      const signature = capabilitySignature(requiredCapabilities);
      pool = this.pools.get(signature.key) ?? this.createPool(signature.key, signature.capabilities);
    }
    pool.lastUsed = ++this.tick;
    return pool;
  }

  /** Explains an empty candidate set. Scans only the capable agents: it runs on the error path. */
  shortfall(requiredCapabilities: readonly string[]): CandidateShortfall {
    const missingCapabilities = requiredCapabilities.filter((capability) => !this.groupsByCapability.has(capability));
    const counts = { capableAgents: 0, offline: 0, draining: 0, full: 0 };
    if (missingCapabilities.length === 0) {
      for (const agent of this.capableAgents(requiredCapabilities)) {
        counts.capableAgents++;
        if (agent.status === 'offline') counts.offline++;
        else if (agent.status === 'draining') counts.draining++;
        else if (agent.load >= agent.capacity) counts.full++;
      }
    }
    return { missingCapabilities, ...counts };
  }

  /** How many agents capableAgents() will yield, from the group sizes. */
  private countCapable(requiredCapabilities: readonly string[]): number {
    if (requiredCapabilities.length === 0) return this.agents.size;
    let count = 0;
    for (const group of this.groupsByCapability.get(requiredCapabilities[0] as string) ?? []) {
      if (requiredCapabilities.every((capability) => group.capabilities.has(capability))) count += group.size;
    }
    return count;
  }

  /** Agents whose capabilities cover the set, found through the groups of its rarest capability. */
  private *capableAgents(requiredCapabilities: readonly string[]): Generator<AgentRecord> {
    if (requiredCapabilities.length === 0) {
      yield* this.agents.values();
      return;
    }
    let smallest: Set<CapabilityGroup> | undefined;
    for (const capability of requiredCapabilities) {
      const groups = this.groupsByCapability.get(capability);
      if (groups === undefined) return;
      if (smallest === undefined || groups.size < smallest.size) smallest = groups;
    }
    for (const group of smallest ?? []) {
      if (requiredCapabilities.every((capability) => group.capabilities.has(capability))) yield* group.agents();
    }
  }

  private announce(change: AgentChange): void {
    for (const watcher of this.watchers) watcher(change);
  }

  private createPool(key: string, capabilities: readonly string[]): CandidatePool {
    if (this.pools.size >= this.options.maxCandidatePools) this.evictLeastRecentlyUsedPool();
    const pool = new CandidatePool(
      key,
      capabilities,
      (agentId) => this.agents.get(agentId),
      this.countCapable(capabilities),
    );
    for (const agent of this.capableAgents(capabilities)) agent.joinPool(pool, pool.addMember(agent));
    this.pools.set(key, pool);
    const first = capabilities[0] ?? '';
    let siblings = this.poolsByFirstCapability.get(first);
    if (siblings === undefined) {
      siblings = new Set();
      this.poolsByFirstCapability.set(first, siblings);
    }
    siblings.add(pool);
    return pool;
  }

  private evictLeastRecentlyUsedPool(): void {
    let oldest: CandidatePool | undefined;
    for (const pool of this.pools.values()) if (oldest === undefined || pool.lastUsed < oldest.lastUsed) oldest = pool;
    if (oldest === undefined) return;
    this.pools.delete(oldest.key);
    this.poolsByFirstCapability.get(oldest.requiredCapabilities[0] ?? '')?.delete(oldest);
    oldest.forEachMember((agent) => {
      agent.leavePool(oldest);
    });
    oldest.dispose();
  }

  private joinPools(agent: AgentRecord): void {
    // A pool matches when the agent has all of its capabilities; every pool is filed under the
    // first of its (sorted) capabilities, so looking under each of the agent's finds them all once.
    this.joinMatching(agent, this.poolsByFirstCapability.get(''));
    for (const capability of agent.capabilities) this.joinMatching(agent, this.poolsByFirstCapability.get(capability));
  }

  private joinMatching(agent: AgentRecord, pools: Set<CandidatePool> | undefined): void {
    if (pools === undefined) return;
    for (const pool of pools) {
      if (pool.requiredCapabilities.every((capability) => agent.capabilities.has(capability)))
        agent.joinPool(pool, pool.addMember(agent));
    }
  }

  private leavePools(agent: AgentRecord): void {
    agent.forEachPool(removeFromPool);
    agent.leaveAllPools();
  }

  private refreshPools(agent: AgentRecord): void {
    agent.forEachPool(refreshInPool);
  }

  /** The group of this capability list, created on first use. */
  private groupFor(capabilities: readonly string[]): CapabilityGroup {
    const key = groupKey(capabilities);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = new CapabilityGroup(new Set(capabilities), key, this.times);
      this.groups.set(key, group);
      for (const capability of group.capabilities) {
        let groups = this.groupsByCapability.get(capability);
        if (groups === undefined) {
          groups = new Set();
          this.groupsByCapability.set(capability, groups);
        }
        groups.add(group);
      }
    }
    return group;
  }

  private leaveGroup(agent: AgentRecord): void {
    const group = agent.group;
    group.remove(agent);
    if (group.size > 0 || this.groups.get(group.key) !== group) return;
    this.groups.delete(group.key);
    for (const capability of group.capabilities) {
      const groups = this.groupsByCapability.get(capability);
      groups?.delete(group);
      if (groups?.size === 0) this.groupsByCapability.delete(capability);
    }
  }
}

// NUL cannot occur in a capability name, so keys never collide.
const groupKey = (capabilities: readonly string[]): string => capabilities.join('\u0000');

const removeFromPool = (pool: CandidatePool, slot: number): void => {
  pool.removeMember(slot);
};

const touchPool = (pool: CandidatePool): void => {
  pool.touchMembers();
};

const refreshInPool = (pool: CandidatePool, slot: number, agent: AgentRecord): void => {
  pool.refresh(slot, agent);
};
