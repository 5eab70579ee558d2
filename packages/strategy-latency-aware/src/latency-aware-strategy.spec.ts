import type { AgentView, DistributionStrategy } from '@switchyard/core';
import { buildTask, CandidateFleet, TestStrategyServices } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { latencyAwareStrategy } from './latency-aware-strategy.js';

const task = buildTask();

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

/** Runs decisions; each chosen agent answers with its own latency (and failure chance). */
function simulate(
  strategy: DistributionStrategy,
  fleet: CandidateFleet,
  behaviour: Record<string, { latencyMs: number; fails?: boolean }>,
  decisions: number,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let decision = 0; decision < decisions; decision++) {
    const agent = strategy.select(fleet.candidates(), task) as AgentView;
    counts[agent.id] = (counts[agent.id] ?? 0) + 1;
    const { latencyMs, fails } = behaviour[agent.id] ?? { latencyMs: 50 };
    if (fails === true) strategy.onFailed?.({ agent, task, latencyMs, error: { message: 'no' } });
    else strategy.onCompleted?.({ agent, task, latencyMs });
  }
  return counts;
}

describe('latency_aware strategy', () => {
  it('tries every agent during warm-up, then sends most work to the fastest', () => {
    const fleet = new CandidateFleet([{ id: 'slow' }, { id: 'fast' }, { id: 'medium' }]);
    const strategy = latencyAwareStrategy.create(
      latencyAwareStrategy.optionsSchema.parse({ exploration: 0.05, warmUp: 3 }),
      new TestStrategyServices({ random: seeded(7) }),
    );
    const warmUp = simulate(
      strategy,
      fleet,
      { slow: { latencyMs: 200 }, fast: { latencyMs: 10 }, medium: { latencyMs: 60 } },
      9,
    );
    expect(warmUp).toEqual({ slow: 3, fast: 3, medium: 3 });
    const after = simulate(
      strategy,
      fleet,
      { slow: { latencyMs: 200 }, fast: { latencyMs: 10 }, medium: { latencyMs: 60 } },
      1_000,
    );
    expect(after.fast).toBeGreaterThan(900);
    expect((after.slow ?? 0) + (after.medium ?? 0)).toBeGreaterThan(0);
  });

  it('counts failures against an agent even when it is fast', () => {
    const fleet = new CandidateFleet([{ id: 'flaky' }, { id: 'steady' }]);
    const strategy = latencyAwareStrategy.create(
      latencyAwareStrategy.optionsSchema.parse({ exploration: 0 }),
      new TestStrategyServices({ random: seeded(3) }),
    );
    const counts = simulate(strategy, fleet, { flaky: { latencyMs: 20, fails: true }, steady: { latencyMs: 30 } }, 500);
    expect(counts.steady).toBeGreaterThan(450);
  });

  it('refuses options outside their ranges, naming them', () => {
    const parsed = latencyAwareStrategy.optionsSchema.safeParse({ exploration: 2, sample: 0 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['exploration', 'sample']);
  });
});
