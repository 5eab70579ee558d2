import type { DistributionStrategy, Task } from '@switchyard/core';
import { buildTask, CandidateFleet, TestStrategyServices } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { affinityStrategy } from './affinity-strategy.js';

function taskFor(key: string): Task {
  return buildTask({ id: `t-${key}`, data: { key } });
}

function placement(
  strategy: DistributionStrategy,
  fleet: CandidateFleet,
  keys: string[],
): Map<string, string | undefined> {
  return new Map(keys.map((key) => [key, strategy.select(fleet.candidates(), taskFor(key))?.id]));
}

describe('affinity strategy', () => {
  const keys = Array.from({ length: 10_000 }, (_, index) => `session-${String(index)}`);

  it('keeps a key on one agent, and moves only about 1/n of the keys, all to the newcomer, when an agent joins', () => {
    const fleet = new CandidateFleet(Array.from({ length: 10 }, (_, index) => ({ id: `agent-${String(index)}` })));
    const strategy = affinityStrategy.create(affinityStrategy.optionsSchema.parse({}), new TestStrategyServices());
    const before = placement(strategy, fleet, keys);
    expect(placement(strategy, fleet, keys)).toEqual(before);
    const perAgent = new Map<string, number>();
    for (const agent of before.values()) perAgent.set(agent as string, (perAgent.get(agent as string) ?? 0) + 1);
    expect(Math.min(...perAgent.values())).toBeGreaterThan(500);
    expect(Math.max(...perAgent.values())).toBeLessThan(1_600);

    fleet.add({ id: 'newcomer' });
    const after = placement(strategy, fleet, keys);
    const moved = keys.filter((key) => after.get(key) !== before.get(key));
    expect(moved.length / keys.length).toBeGreaterThan(0.05);
    expect(moved.length / keys.length).toBeLessThan(0.14);
    expect(new Set(moved.map((key) => after.get(key)))).toEqual(new Set(['newcomer']));
  });

  it('sends a key elsewhere while its agent is full, and back when it frees up', () => {
    const fleet = new CandidateFleet(
      Array.from({ length: 4 }, (_, index) => ({ id: `agent-${String(index)}`, capacity: 2 })),
    );
    const strategy = affinityStrategy.create(affinityStrategy.optionsSchema.parse({}), new TestStrategyServices());
    const home = strategy.select(fleet.candidates(), taskFor('k'))!.id;
    fleet.setLoad(home, 2);
    const elsewhere = strategy.select(fleet.candidates(), taskFor('k'))!.id;
    expect(elsewhere).not.toBe(home);
    fleet.setLoad(home, 1);
    expect(strategy.select(fleet.candidates(), taskFor('k'))!.id).toBe(home);
  });

  it('uses the sender as the key when the data has none', () => {
    const fleet = new CandidateFleet(Array.from({ length: 5 }, (_, index) => ({ id: `agent-${String(index)}` })));
    const strategy = affinityStrategy.create(
      affinityStrategy.optionsSchema.parse({ keyPath: 'user.id' }),
      new TestStrategyServices(),
    );
    const bySender = (sender: string, data: unknown): string | undefined =>
      strategy.select(fleet.candidates(), buildTask({ senderId: sender, data: data as never }))?.id;
    expect(bySender('alice', null)).toBe(bySender('alice', { other: 1 }));
    expect(bySender('x', { user: { id: 42 } })).toBe(bySender('y', { user: { id: 42 } }));
  });
});
