import type { AgentStatus } from '../models/agent-status.js';
import type { AgentOutcomeStats, AgentSnapshot, AgentView } from '../models/agent-view.js';
import type { JsonValue } from '../models/json-value.js';
import type { PoolEntry } from './pool-entry.js';

/** Weight of the newest sample in the latency EWMA. */
const LATENCY_EWMA_WEIGHT = 0.2;

/** The registry's own, mutable agent. Everything outside the registry sees it as an AgentView. */
export class AgentRecord implements AgentView {
  capabilities: Set<string>;
  priority: number;
  status: AgentStatus = 'online';
  load = 0;
  capacity: number;
  metadata: Record<string, JsonValue>;
  stats: { completed: number; failed: number; latencyEwmaMs: number | null } = {
    completed: 0,
    failed: 0,
    latencyEwmaMs: null,
  };
  lastSeenAt: number;
  /** Registered over a transport: it must heartbeat, or it is marked offline. */
  expectsHeartbeats = false;
  /** The agent process's run, from its registration (see AgentRegistration.instanceId). */
  instanceId: string | undefined = undefined;
  /** An operator drained it: the agent's own heartbeats ("online") do not lift that. */
  drainRequested = false;
  /** Ids of tasks assigned to this agent and not yet answered. */
  readonly inFlight = new Set<string>();
  /** Its membership in each candidate pool whose signature its capabilities cover. */
  readonly poolEntries: PoolEntry[] = [];

  constructor(
    readonly id: string,
    capabilities: readonly string[],
    priority: number,
    capacity: number | undefined,
    metadata: Record<string, JsonValue> | undefined,
    readonly sequence: number,
    readonly registeredAt: number,
  ) {
    this.capabilities = new Set(capabilities);
    this.priority = priority;
    this.capacity = capacity ?? Infinity;
    this.metadata = metadata ?? {};
    this.lastSeenAt = registeredAt;
  }

  /** Online and with room for one more task. */
  get isAvailable(): boolean {
    return this.status === 'online' && this.load < this.capacity;
  }

  recordOutcome(succeeded: boolean, latencyMs: number): void {
    if (succeeded) this.stats.completed++;
    else this.stats.failed++;
    const previous = this.stats.latencyEwmaMs;
    this.stats.latencyEwmaMs = previous === null ? latencyMs : previous + LATENCY_EWMA_WEIGHT * (latencyMs - previous);
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
