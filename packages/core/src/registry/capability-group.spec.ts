import { describe, expect, it } from 'vitest';
import { AgentRecord } from './agent-record.js';
import { CapabilityGroup } from './capability-group.js';

describe('CapabilityGroup', () => {
  it('keeps its agents in joining order through removals at either end and in the middle', () => {
    const group = new CapabilityGroup(new Set(['a']), 'a');
    const agents = Array.from(
      { length: 5 },
      (_, index) => new AgentRecord(`a${String(index)}`, group, 0, undefined, undefined, index + 1, 0),
    );
    for (const agent of agents) group.add(agent);
    const ids = (): string[] => [...group.agents()].map((agent) => agent.id);
    expect(ids()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    group.remove(agents[2] as AgentRecord);
    group.remove(agents[0] as AgentRecord);
    group.remove(agents[4] as AgentRecord);
    expect(ids()).toEqual(['a1', 'a3']);
    expect(group.size).toBe(2);
    group.add(agents[0] as AgentRecord);
    expect(ids()).toEqual(['a1', 'a3', 'a0']);
    expect(agents[0]?.capabilities).toBe(group.capabilities);
    for (const agent of [agents[1], agents[3], agents[0]]) group.remove(agent as AgentRecord);
    expect(ids()).toEqual([]);
    expect(group.size).toBe(0);
  });
});
