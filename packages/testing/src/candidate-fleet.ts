import type { AgentEvent, AgentStatus, AgentView, CandidateView, JsonValue } from '@switchyard/core';
import { AgentRegistry } from '@switchyard/core/internal';

/** An agent of a test fleet; unset fields take the orchestrator's defaults (priority 0, unbounded, load 0). */
export interface FleetAgent {
  readonly id: string;
  /** The fleet's capabilities when omitted. */
  readonly capabilities?: readonly string[];
  readonly priority?: number;
  readonly capacity?: number;
  readonly load?: number;
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

/**
 * Agents for testing a strategy plugin without an orchestrator: `candidates()` is the very view a
 * strategy gets in production (the registry's indexes, the same tie-breaks), and the fleet can be
 * changed between decisions as agents would change: load, status, joining and leaving.
 */
export class CandidateFleet {
  private readonly registry = new AgentRegistry({ maxCandidatePools: 64 });
  /** Registration times: one tick per agent, so registration order is the order of `add` calls. */
  private registrations = 0;

  constructor(
    agents: readonly FleetAgent[] = [],
    private readonly capabilities: readonly string[] = ['work'],
  ) {
    for (const agent of agents) this.add(agent);
  }

  /** Registers an agent (again, if the id is known: as a restarted agent would). */
  add(agent: FleetAgent): AgentView {
    const { agent: record } = this.registry.register(
      {
        agentId: agent.id,
        capabilities: [...(agent.capabilities ?? this.capabilities)],
        priority: agent.priority ?? 0,
        ...(agent.capacity === undefined ? {} : { capacity: agent.capacity }),
        ...(agent.metadata === undefined ? {} : { metadata: agent.metadata }),
      },
      this.registrations++,
    );
    if (agent.load !== undefined) this.registry.setLoad(record, agent.load);
    return record.view;
  }

  setLoad(agentId: string, load: number): void {
    this.registry.setLoad(this.registry.require(agentId), load);
  }

  setStatus(agentId: string, status: AgentStatus): void {
    this.registry.setStatus(this.registry.require(agentId), status);
  }

  remove(agentId: string): void {
    this.registry.unregister(agentId);
  }

  /** Tells the listener of every join, leave and attribute change, as services.agents does (see TestStrategyServices). */
  onAgentEvent(listener: (event: AgentEvent) => void): () => void {
    return this.registry.watch((change) => {
      listener(
        change.type === 'changed'
          ? { type: 'changed', agent: change.agent.view, changes: [...change.changes] }
          : { type: change.type, agent: change.agent.view },
      );
    });
  }

  /** The candidates for a task needing these capabilities (the fleet's by default): online, with free capacity. */
  candidates(requiredCapabilities: readonly string[] = this.capabilities): CandidateView {
    return this.registry.candidates(requiredCapabilities);
  }
}
