/** Where the orchestrator listens for agents' registrations, status and answers. */
export const ORCHESTRATOR_ADDRESS = 'orchestrator';

const AGENT_ADDRESS_PREFIX = 'agent.';

/** Each agent listens at its own address for task requests and acks. */
export function agentAddress(agentId: string): string {
  return AGENT_ADDRESS_PREFIX + agentId;
}

/** The agent id behind an `agent.<id>` address, or undefined for any other address. */
export function agentIdFromAddress(address: string): string | undefined {
  return address.startsWith(AGENT_ADDRESS_PREFIX) ? address.slice(AGENT_ADDRESS_PREFIX.length) : undefined;
}

/** Whether `address` is `agent.<agentId>`, without building either string (it runs on every answer). */
export function isAgentAddress(address: string, agentId: string): boolean {
  return (
    address.length === AGENT_ADDRESS_PREFIX.length + agentId.length &&
    address.startsWith(AGENT_ADDRESS_PREFIX) &&
    address.endsWith(agentId)
  );
}
