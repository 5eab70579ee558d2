import { describe, expect, it } from 'vitest';
import { agentAddress, agentIdFromAddress, isAgentAddress } from './addresses.js';

describe('agent addresses', () => {
  it('tells an agent its own address and no other, as agentIdFromAddress would', () => {
    expect(isAgentAddress(agentAddress('worker-1'), 'worker-1')).toBe(true);
    const cases: [string, string][] = [
      ['agent.worker-1', 'worker-2'],
      ['agent.worker-10', 'worker-1'],
      ['agent.worker-1', 'orker-1'],
      ['agentxworker-1', 'worker-1'],
      ['orchestrator', 'orchestrator'],
      ['agent.', ''],
      ['xagent.worker-1', 'worker-1'],
    ];
    for (const [address, agentId] of cases) {
      expect(isAgentAddress(address, agentId)).toBe(agentIdFromAddress(address) === agentId);
      expect(isAgentAddress(address, agentId)).toBe(address === agentAddress(agentId));
    }
  });
});
