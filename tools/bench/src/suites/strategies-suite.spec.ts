import { describe, expect, it } from 'vitest';
import { buildFleet, indexedDecider, naiveDecider, runStrategiesSuite } from './strategies-suite.js';

describe('strategies benchmark', () => {
  it.each(['capability_match', 'load_balanced', 'priority_based'])(
    'makes the same %s decisions indexed as the naive full scan, under load churn',
    (strategy) => {
      const indexed = indexedDecider(buildFleet(500), strategy);
      const naive = naiveDecider(buildFleet(500), strategy);
      const indexedChoices = Array.from({ length: 3_000 }, () => indexed());
      const naiveChoices = Array.from({ length: 3_000 }, () => naive());
      expect(indexedChoices).toEqual(naiveChoices);
      expect(new Set(indexedChoices).size).toBeGreaterThan(1);
    },
  );

  it('rotates round_robin through every available agent', () => {
    const decide = indexedDecider(buildFleet(300), 'round_robin');
    const choices = Array.from({ length: 300 }, () => decide());
    expect(new Set(choices).size).toBeGreaterThan(250);
  });

  it('draws weighted_sample picks in proportion to priority, as the naive cumulative scan does', () => {
    const decide = indexedDecider(buildFleet(1_000, true), 'weighted_sample');
    const choices = Array.from({ length: 20_000 }, () => decide());
    // Agents 0, 100, …, 900 carry 10,000 of the 10,990 weight while they have room; loads shift it a little.
    const heavy = choices.filter((id) => id !== undefined && Number(id.slice('agent-'.length)) % 100 === 0).length;
    expect(heavy / choices.length).toBeGreaterThan(0.6);
    expect(new Set(choices).size).toBeGreaterThan(50);
  });

  it('reports decisions/s per strategy and fleet size, with the naive baseline and their ratio', () => {
    const results = runStrategiesSuite({ quick: true, log: () => undefined });
    expect(results.map((result) => `${String(result.params.strategy)}@${String(result.params.agents)}`)).toEqual([
      'capability_match@100',
      'capability_match@1000',
      'round_robin@100',
      'round_robin@1000',
      'load_balanced@100',
      'load_balanced@1000',
      'priority_based@100',
      'priority_based@1000',
      'weighted_sample@1000',
      'weighted_sample@100000',
    ]);
    for (const result of results) {
      expect(result).toMatchObject({ name: 'strategy-decisions', unit: 'decisions/s' });
      expect(result.value).toBeGreaterThan(0);
      expect(result.ratio).toBeCloseTo(result.value / (result.baseline ?? Number.NaN), 0);
    }
  });
});
