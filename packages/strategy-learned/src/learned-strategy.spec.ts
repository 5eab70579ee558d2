import type { AgentView, DistributionStrategy, JsonValue } from '@switchyard/core';
import 'reflect-metadata';
import { createCoreModule, OrchestrationEngine, ValidationError } from '@switchyard/core';
import { createMemoryTransportModule } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { buildTask, CandidateFleet } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { LearnedDistributionStrategy } from './learned-distribution-strategy.js';
import { learnedOptionsSchema } from './learned-options.js';
import { learnedStrategy } from './learned-strategy.js';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

interface Behaviour {
  readonly success: number;
  readonly latencyMs: number;
}

/** A strategy on a seeded random source and a clock the simulation moves. */
function learned(
  options: Record<string, unknown> = {},
  seed = 11,
): { strategy: LearnedDistributionStrategy; clock: { now: number } } {
  const clock = { now: 0 };
  const strategy = new LearnedDistributionStrategy(learnedOptionsSchema.parse(options), {
    now: () => clock.now,
    random: seeded(seed),
  });
  return { strategy, clock };
}

/**
 * Runs decisions one at a time: the chosen agent answers at once, succeeding with its chance
 * (from a second seeded source) after its latency. Returns how often each agent was picked.
 */
function simulate(
  strategy: DistributionStrategy,
  clock: { now: number },
  fleet: CandidateFleet,
  behaviour: (agentId: string, data: JsonValue) => Behaviour,
  decisions: number,
  data: () => JsonValue = () => null,
  outcomes: () => number = seeded(99),
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let decision = 0; decision < decisions; decision++) {
    const task = buildTask({ data: data() });
    const agent = strategy.select(fleet.candidates(), task) as AgentView;
    counts[agent.id] = (counts[agent.id] ?? 0) + 1;
    const { success, latencyMs } = behaviour(agent.id, task.data);
    clock.now += 1;
    if (outcomes() < success) strategy.onCompleted?.({ agent, task, latencyMs });
    else strategy.onFailed?.({ agent, task, latencyMs, error: { message: 'failed' } });
  }
  return counts;
}

const SIX = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id }));

describe('learned strategy', () => {
  it('converges to the agent most likely to succeed', () => {
    const { strategy, clock } = learned();
    const fleet = new CandidateFleet(SIX);
    const chance: Record<string, number> = { a: 0.5, b: 0.6, c: 0.95, d: 0.7, e: 0.4, f: 0.75 };
    const behaviour = (id: string): Behaviour => ({ success: chance[id] ?? 0, latencyMs: 100 });
    simulate(strategy, clock, fleet, behaviour, 1_000);
    const after = simulate(strategy, clock, fleet, behaviour, 1_000);
    expect(after.c).toBeGreaterThan(850);
  });

  it('prefers the faster of two equally reliable agents', () => {
    const { strategy, clock } = learned();
    const fleet = new CandidateFleet([{ id: 'slow' }, { id: 'fast' }, { id: 'medium' }]);
    const latency: Record<string, number> = { slow: 400, fast: 50, medium: 150 };
    const behaviour = (id: string): Behaviour => ({ success: 0.9, latencyMs: latency[id] ?? 0 });
    simulate(strategy, clock, fleet, behaviour, 500);
    const after = simulate(strategy, clock, fleet, behaviour, 1_000);
    expect(after.fast).toBeGreaterThan(900);
  });

  it('learns each task type on its own: by taskData field, and by declared size', () => {
    const { strategy, clock } = learned({ key: 'data', keyPath: 'job.kind', featurePath: 'cost' });
    const fleet = new CandidateFleet(SIX);
    const random = seeded(5);
    const data = (): JsonValue => ({
      job: { kind: random() < 0.5 ? 'summarise' : 'translate' },
      cost: random() < 0.5 ? 1 : 16,
    });
    // a is best at small summaries, b at big ones, c at every translation; the rest are mediocre.
    const best = (value: JsonValue): string => {
      const { job, cost } = value as { job: { kind: string }; cost: number };
      return job.kind === 'translate' ? 'c' : cost > 1 ? 'b' : 'a';
    };
    const behaviour = (id: string, value: JsonValue): Behaviour => ({
      success: id === best(value) ? 0.97 : 0.55,
      latencyMs: 100,
    });
    simulate(strategy, clock, fleet, behaviour, 3_000, data);
    let right = 0;
    for (let decision = 0; decision < 1_000; decision++) {
      const value = data();
      const agent = strategy.select(fleet.candidates(), buildTask({ data: value }));
      if (agent?.id === best(value)) right++;
    }
    expect(right).toBeGreaterThan(850);
    expect(strategy.taskTypeCount).toBe(4);
  });

  it('re-converges after the best agent degrades', () => {
    const { strategy, clock } = learned();
    const fleet = new CandidateFleet(SIX);
    let chance: Record<string, number> = { a: 0.95, b: 0.6, c: 0.85, d: 0.5, e: 0.5, f: 0.5 };
    const behaviour = (id: string): Behaviour => ({ success: chance[id] ?? 0, latencyMs: 100 });
    const before = simulate(strategy, clock, fleet, behaviour, 2_000);
    expect(before.a).toBeGreaterThan(1_600);
    chance = { ...chance, a: 0.2 };
    // Within 300 decisions after the drift the degraded agent has lost its place to the next best.
    simulate(strategy, clock, fleet, behaviour, 300);
    const after = simulate(strategy, clock, fleet, behaviour, 1_000);
    expect(after.a ?? 0).toBeLessThan(100);
    expect(after.c).toBeGreaterThan(800);
  });

  it('tries again, after a half-life, an agent it had given up on', () => {
    const { strategy, clock } = learned({ halfLifeMs: 1_000 });
    const fleet = new CandidateFleet([{ id: 'recovering' }, { id: 'steady' }]);
    let chance: Record<string, number> = { recovering: 0.1, steady: 0.8 };
    const behaviour = (id: string): Behaviour => ({ success: chance[id] ?? 0, latencyMs: 100 });
    simulate(strategy, clock, fleet, behaviour, 500);
    chance = { recovering: 0.99, steady: 0.8 };
    clock.now += 20_000;
    simulate(strategy, clock, fleet, behaviour, 500);
    const after = simulate(strategy, clock, fleet, behaviour, 500);
    expect(after.recovering).toBeGreaterThan(400);
  });

  it('marks busy agents down by their load', () => {
    const { strategy, clock } = learned({ loadWeight: 1 });
    const fleet = new CandidateFleet([
      { id: 'busy', capacity: 4, load: 3 },
      { id: 'idle', capacity: 4, load: 0 },
    ]);
    simulate(strategy, clock, fleet, () => ({ success: 0.9, latencyMs: 100 }), 400);
    const after = simulate(strategy, clock, fleet, () => ({ success: 0.9, latencyMs: 100 }), 1_000);
    expect(after.idle).toBeGreaterThan(850);
  });

  it('keeps at most maxArms (agent, task type) records however many agents and types it sees', () => {
    const { strategy, clock } = learned({ maxArms: 50, key: 'data', keyPath: 'kind' });
    const fleet = new CandidateFleet(Array.from({ length: 300 }, (_, index) => ({ id: `agent-${String(index)}` })));
    const random = seeded(3);
    let largest = 0;
    for (let round = 0; round < 20; round++) {
      simulate(
        strategy,
        clock,
        fleet,
        () => ({ success: 0.8, latencyMs: 10 }),
        200,
        () => ({ kind: `k${String(Math.floor(random() * 40))}` }),
      );
      largest = Math.max(largest, strategy.armCount);
    }
    expect(largest).toBe(50);
    expect(strategy.taskTypeCount).toBeLessThanOrEqual(40);
  });

  it('looks at a bounded sample of a large fleet and still finds a good agent', () => {
    const { strategy, clock } = learned({ sample: 8 });
    const fleet = new CandidateFleet(Array.from({ length: 1_000 }, (_, index) => ({ id: `agent-${String(index)}` })));
    const good = new Set(['agent-7', 'agent-400', 'agent-901']);
    const behaviour = (id: string): Behaviour => ({ success: good.has(id) ? 0.98 : 0.3, latencyMs: 100 });
    simulate(strategy, clock, fleet, behaviour, 3_000);
    const after = simulate(strategy, clock, fleet, behaviour, 1_000);
    const onGood = Object.entries(after)
      .filter(([id]) => good.has(id))
      .reduce((sum, [, count]) => sum + count, 0);
    expect(onGood).toBeGreaterThan(700);
  });

  it('makes the same decisions from the same seed', () => {
    const run = (): Record<string, number> => {
      const { strategy, clock } = learned({}, 42);
      return simulate(
        strategy,
        clock,
        new CandidateFleet(SIX),
        (id) => ({ success: id === 'b' ? 0.9 : 0.6, latencyMs: 100 }),
        300,
      );
    };
    expect(run()).toEqual(run());
  });

  it('declines when there is no candidate', () => {
    const { strategy } = learned();
    expect(strategy.select(new CandidateFleet([]).candidates(), buildTask())).toBeUndefined();
  });

  it('refuses bad options with a ValidationError naming each field, through the core an orchestrator builds', () => {
    const engineWith = (options: unknown): OrchestrationEngine => {
      const container = new Container();
      container.load(
        createCoreModule(
          { distribution: { defaultStrategy: 'learned' } },
          { strategies: [{ definition: learnedStrategy, options }] },
        ),
        createMemoryTransportModule(),
      );
      return container.get(OrchestrationEngine);
    };
    const refused = (options: unknown): string[] => {
      try {
        engineWith(options);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).issues.map((issue) => issue.field).sort();
      }
      throw new Error('options were accepted');
    };
    expect(refused({ sample: 0, loadWeight: 2 })).toEqual(['options.loadWeight', 'options.sample']);
    expect(refused({ key: 'data' })).toEqual(['options.keyPath']);
    expect(refused({ keyPath: 'kind' })).toEqual(['options.keyPath']);
    expect(refused({ maxArms: 0.5, window: 1, halfLifeMs: -1 })).toEqual([
      'options.halfLifeMs',
      'options.maxArms',
      'options.window',
    ]);
    expect(refused({ featurePath: 'a..b' })).toEqual(['options.featurePath']);
    expect(refused({ exploration: 0.1 })).toEqual(['options']);
    expect(engineWith({ key: 'data', keyPath: 'kind' })).toBeInstanceOf(OrchestrationEngine);
  });
});
