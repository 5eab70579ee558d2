import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../bench-result.js';
import { LEARNING_STRATEGIES, runLearningSuite } from './learning-suite.js';
import { runLearningSimulation } from './learning-simulation.js';

const SMALL = { agents: 24, capacity: 4, inFlight: 48, tasks: 3_000, seed: 20 };

describe('learning suite', () => {
  it('reports goodput per strategy and for the oracle, and learned decisions at 10,000 agents, in the usual shape', () => {
    const results: BenchResult[] = runLearningSuite({ quick: true, log: () => undefined });
    const goodput = results.filter((result) => result.name === 'learning-goodput');
    expect(goodput.map((result) => result.params.strategy)).toEqual(['oracle', ...LEARNING_STRATEGIES]);
    for (const result of goodput) {
      expect(result.unit).toBe('tasks/s');
      expect(result.value).toBeGreaterThan(0);
    }
    const decisions = results.filter((result) => result.name === 'learning-decisions');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.params.agents).toBe(10_000);
    expect(decisions[0]?.unit).toBe('decisions/s');
    expect(decisions[0]?.value).toBeGreaterThan(0);
    // Goodput is counted in simulated time, so these comparisons hold on any machine.
    const of = (strategy: string): number =>
      goodput.find((result) => result.params.strategy === strategy)?.value ?? Number.NaN;
    for (const fixed of ['round_robin', 'load_balanced', 'p2c']) expect(of('learned')).toBeGreaterThan(of(fixed));
  }, 120_000);

  it('is the same run every time: the fleet, workload and luck are seeded and time is simulated', () => {
    const first = runLearningSimulation(SMALL, 'oracle');
    expect(runLearningSimulation(SMALL, 'oracle')).toEqual(first);
    expect(first.regret).toBe(0);
    expect(first.goodput).toBeGreaterThan(0);
  });
});
