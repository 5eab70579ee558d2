import type { AgentRecord } from './agent-record.js';

export interface AgentBreakerOptions {
  /** Lost hand-overs and timed-out attempts in a row that quarantine an agent. */
  readonly afterFailures: number;
  readonly initialMs: number;
  readonly maxMs: number;
}

interface BreakerState {
  /** Failures since the last answer or quarantine. */
  strikes: number;
  /** Quarantines so far: each doubles the next one. */
  quarantines: number;
  /** When the running quarantine ends; 0 when none runs. */
  until: number;
  /** Out of quarantine on probation: one task at a time until it answers. */
  probing: boolean;
  /** The capacity it declared, given back when it answers on probation. */
  declaredCapacity: number;
}

/**
 * The per-agent circuit breaker: an agent whose tasks keep getting lost or timing out (a black
 * hole) is quarantined with growing back-off, then let out on probation with room for one task;
 * any answer closes the breaker. Only agents with recent failures have an entry.
 */
export class AgentBreaker {
  private readonly states = new Map<AgentRecord, BreakerState>();

  constructor(private readonly options: AgentBreakerOptions) {}

  get size(): number {
    return this.states.size;
  }

  /** One more failure; returns how long the agent is now quarantined, or undefined if it is not (newly). */
  strike(agent: AgentRecord, now: number): number | undefined {
    let state = this.states.get(agent);
    if (state === undefined) {
      state = { strikes: 0, quarantines: 0, until: 0, probing: false, declaredCapacity: agent.capacity };
      this.states.set(agent, state);
    }
    if (state.until > now) return undefined;
    state.strikes++;
    if (!state.probing && state.strikes < this.options.afterFailures) return undefined;
    const forMs = Math.min(this.options.maxMs, this.options.initialMs * 2 ** state.quarantines);
    state.quarantines++;
    state.strikes = 0;
    state.until = now + forMs;
    return forMs;
  }

  isQuarantined(agent: AgentRecord, now: number): boolean {
    const state = this.states.get(agent);
    return state !== undefined && state.until > now;
  }

  isProbing(agent: AgentRecord): boolean {
    return this.states.get(agent)?.probing === true;
  }

  /** The capacity the agent declared: on probation its capacity is 1 for now, this once it answers. */
  declaredCapacityOf(agent: AgentRecord): number {
    const state = this.states.get(agent);
    return state?.probing === true ? state.declaredCapacity : agent.capacity;
  }

  /** The agent re-declared its capacity (a registration): kept for when probation ends. */
  declareCapacity(agent: AgentRecord, capacity: number): void {
    const state = this.states.get(agent);
    if (state !== undefined) state.declaredCapacity = capacity;
  }

  /** The agents whose quarantine has ended; each is on probation from now on. */
  endQuarantines(now: number): AgentRecord[] {
    const ended: AgentRecord[] = [];
    for (const [agent, state] of this.states) {
      if (state.until === 0 || state.until > now) continue;
      state.until = 0;
      state.probing = true;
      ended.push(agent);
    }
    return ended;
  }

  /**
   * The agent answered: the breaker closes (a quarantine under way still runs out; the answer
   * was to an older task). Returns the capacity to give back if it was on probation.
   */
  close(agent: AgentRecord, now: number): number | undefined {
    const state = this.states.get(agent);
    if (state === undefined) return undefined;
    if (state.until > now) {
      state.strikes = 0;
      return undefined;
    }
    this.states.delete(agent);
    return state.probing ? state.declaredCapacity : undefined;
  }

  forget(agent: AgentRecord): void {
    this.states.delete(agent);
  }
}
