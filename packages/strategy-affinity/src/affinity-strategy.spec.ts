import type { DistributionStrategy } from '@switchyard/core';
import { AgentRegistry, TaskRecord } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { affinityStrategy } from './affinity-strategy.js';

function taskFor(key: string): TaskRecord {
  return new TaskRecord(`t-${key}`, 't', ['w'], { key }, 'sender', 'normal', null, 0);
}

function placement(strategy: DistributionStrategy, registry: AgentRegistry, keys: string[]): Map<string, string | undefined> {
  return new Map(keys.map((key) => [key, strategy.select(registry.candidates(['w']), taskFor(key))?.id]));
}

describe('affinity strategy', () => {
  const keys = Array.from({ length: 10_000 }, (_, index) => `session-${String(index)}`);

  it('keeps a key on one agent, and moves only about 1/n of the keys, all to the newcomer, when an agent joins', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 8 });
    for (let index = 0; index < 10; index++) registry.register({ agentId: `agent-${String(index)}`, capabilities: ['w'], priority: 0 }, 0);
    const strategy = affinityStrategy.create(affinityStrategy.optionsSchema.parse({}), { now: () => 0, random: Math.random });
    const before = placement(strategy, registry, keys);
    expect(placement(strategy, registry, keys)).toEqual(before);
    const perAgent = new Map<string, number>();
    for (const agent of before.values()) perAgent.set(agent as string, (perAgent.get(agent as string) ?? 0) + 1);
    expect(Math.min(...perAgent.values())).toBeGreaterThan(500);
    expect(Math.max(...perAgent.values())).toBeLessThan(1_600);

    registry.register({ agentId: 'newcomer', capabilities: ['w'], priority: 0 }, 0);
    const after = placement(strategy, registry, keys);
    const moved = keys.filter((key) => after.get(key) !== before.get(key));
    expect(moved.length / keys.length).toBeGreaterThan(0.05);
    expect(moved.length / keys.length).toBeLessThan(0.14);
    expect(new Set(moved.map((key) => after.get(key)))).toEqual(new Set(['newcomer']));
  });

  it('sends a key elsewhere while its agent is full, and back when it frees up', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 8 });
    for (let index = 0; index < 4; index++) registry.register({ agentId: `agent-${String(index)}`, capabilities: ['w'], priority: 0, capacity: 2 }, 0);
    const strategy = affinityStrategy.create(affinityStrategy.optionsSchema.parse({}), { now: () => 0, random: Math.random });
    const home = strategy.select(registry.candidates(['w']), taskFor('k'))!.id;
    const homeAgent = registry.require(home);
    registry.setLoad(homeAgent, 2);
    const elsewhere = strategy.select(registry.candidates(['w']), taskFor('k'))!.id;
    expect(elsewhere).not.toBe(home);
    registry.setLoad(homeAgent, 1);
    expect(strategy.select(registry.candidates(['w']), taskFor('k'))!.id).toBe(home);
  });

  it('uses the sender as the key when the data has none', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 8 });
    for (let index = 0; index < 5; index++) registry.register({ agentId: `agent-${String(index)}`, capabilities: ['w'], priority: 0 }, 0);
    const strategy = affinityStrategy.create(affinityStrategy.optionsSchema.parse({ keyPath: 'user.id' }), { now: () => 0, random: Math.random });
    const bySender = (sender: string, data: unknown): string | undefined => strategy.select(registry.candidates(['w']), new TaskRecord(`t${Math.random()}`, 't', ['w'], data as never, sender, 'normal', null, 0))?.id;
    expect(bySender('alice', null)).toBe(bySender('alice', { other: 1 }));
    expect(bySender('x', { user: { id: 42 } })).toBe(bySender('y', { user: { id: 42 } }));
  });
});
