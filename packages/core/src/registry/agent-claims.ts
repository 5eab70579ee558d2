import { AuthorizationError } from '../errors/authorization-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ParsedAgentRegistration } from '../models/agent-registration.js';
import type { AgentRecord } from './agent-record.js';

/** Who registers an agent through the engine (over a transport or MCP), and the session it is to get. */
export interface AgentClaim {
  /** The principal's name; agents on a transport without a token share TRANSPORT_OWNER. */
  readonly owner: string;
  /** Set for a registration over a transport: every later envelope of the agent must carry it. */
  readonly session?: string;
}

export interface AgentClaimLimits {
  readonly maxAgentsPerPrincipal: number;
  readonly maxCapabilitiesPerAgent: number;
  readonly maxMetadataBytes: number;
}

/** The owner of agents that registered over a transport without a token. */
export const TRANSPORT_OWNER = 'transport (no token)';

const utf8 = new TextEncoder();

/**
 * One live registration per agent id, and per-principal limits, for every path that registers
 * agents on someone's behalf (the transport and MCP alike):
 * - a held id is taken over only by the principal that registered it, and only when the holder
 *   is provably gone (offline: it missed its heartbeats or said so) or is the same run (the same
 *   `instanceId`) registering again;
 * - a principal has at most `maxAgentsPerPrincipal` agents, each with at most
 *   `maxCapabilitiesPerAgent` capabilities and `maxMetadataBytes` of metadata.
 * Agents registered in-process (the library API, a journal) have no owner and are not limited.
 */
export class AgentClaims {
  private readonly agentsPerOwner = new Map<string, number>();

  constructor(private readonly limits: AgentClaimLimits) {}

  /** Throws (and changes nothing) unless `claim` may register this agent now. `retryAfterMs`: when a live holder would be judged gone. */
  check(
    existing: AgentRecord | undefined,
    registration: ParsedAgentRegistration,
    claim: AgentClaim,
    retryAfterMs: number,
  ): void {
    const { maxCapabilitiesPerAgent, maxMetadataBytes, maxAgentsPerPrincipal } = this.limits;
    if (registration.capabilities.length > maxCapabilitiesPerAgent) {
      throw ValidationError.field(
        'capabilities',
        `at most ${String(maxCapabilitiesPerAgent)} capabilities per agent (agents.maxCapabilitiesPerAgent)`,
        'agent registration',
      );
    }
    if (registration.metadata !== undefined) {
      const bytes = utf8.encode(JSON.stringify(registration.metadata)).length;
      if (bytes > maxMetadataBytes) {
        throw ValidationError.field(
          'metadata',
          `${String(bytes)} bytes of JSON; at most ${String(maxMetadataBytes)} (agents.maxMetadataBytes)`,
          'agent registration',
        );
      }
    }
    const agentId = registration.agentId;
    if (existing?.owner !== undefined && existing.owner !== claim.owner) {
      throw new AuthorizationError('AGENT_ID_IN_USE', `Agent id '${agentId}' is registered by another credential`, {
        agentId,
      });
    }
    const live =
      existing !== undefined &&
      existing.status !== 'offline' &&
      (existing.session !== undefined || existing.owner !== undefined);
    if (live && existing.instanceId !== registration.instanceId) {
      throw new AuthorizationError(
        'AGENT_ID_IN_USE',
        `Agent id '${agentId}' is held by a live agent; a new run may take it once that one has missed its heartbeats`,
        {
          agentId,
          retryAfterMs: Math.max(0, retryAfterMs),
        },
      );
    }
    if (existing?.owner === undefined && (this.agentsPerOwner.get(claim.owner) ?? 0) >= maxAgentsPerPrincipal) {
      throw new AuthorizationError(
        'AGENT_LIMIT',
        `'${claim.owner}' already has ${String(maxAgentsPerPrincipal)} agents registered (agents.maxAgentsPerPrincipal)`,
        {
          principal: claim.owner,
          limit: maxAgentsPerPrincipal,
        },
      );
    }
  }

  /** The agent is registered under the claim (after check passed). */
  grant(agent: AgentRecord, claim: AgentClaim): void {
    if (agent.owner === undefined)
      this.agentsPerOwner.set(claim.owner, (this.agentsPerOwner.get(claim.owner) ?? 0) + 1);
    agent.owner = claim.owner;
    agent.session = claim.session;
  }

  /** The agent left the registry. */
  release(agent: AgentRecord): void {
    const owner = agent.owner;
    if (owner === undefined) return;
    const count = (this.agentsPerOwner.get(owner) ?? 1) - 1;
    if (count <= 0) this.agentsPerOwner.delete(owner);
    else this.agentsPerOwner.set(owner, count);
  }
}
