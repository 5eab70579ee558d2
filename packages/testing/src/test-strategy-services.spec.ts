import { defineStrategy, decline } from '@switchyard/core';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { buildTask } from './build-task.js';
import { CandidateFleet } from './candidate-fleet.js';
import { TestStrategyServices } from './test-strategy-services.js';

/** A strategy using every service: it logs, counts, keeps a set of ids current through agent events, and disposes. */
const tracking = defineStrategy({
  name: 'tracking',
  optionsSchema: z.strictObject({}),
  create: (_options, { logger, metrics, agents, random }) => {
    const known = new Set<string>();
    const stop = agents.on((event) => {
      if (event.type === 'left') known.delete(event.agent.id);
      else known.add(event.agent.id);
    });
    logger.info('created');
    return {
      select(candidates) {
        metrics.increment('decisions');
        metrics.set('known_agents', known.size);
        return candidates.size === 0 ? decline('no candidate') : candidates.sampleByWeight(random());
      },
      dispose: stop,
    };
  },
});

describe('TestStrategyServices', () => {
  it('record logs and metrics and pass on the fleet’s agent events until the strategy stops listening', () => {
    const fleet = new CandidateFleet();
    const services = new TestStrategyServices({ fleet, seed: 5 });
    const strategy = tracking.create({}, services);
    fleet.add({ id: 'a', priority: 1 });
    fleet.add({ id: 'b', priority: 3 });
    fleet.remove('a');
    expect(strategy.select(fleet.candidates(), buildTask())).toMatchObject({ id: 'b' });
    expect(services.logs).toEqual([{ level: 'info', message: 'created', fields: undefined }]);
    expect(services.metric('decisions')).toBe(1);
    expect(services.metric('known_agents')).toBe(1);
    strategy.dispose?.();
    fleet.add({ id: 'c' });
    strategy.select(fleet.candidates(), buildTask());
    expect(services.metric('known_agents')).toBe(1);
    expect(strategy.select(new CandidateFleet().candidates(), buildTask())).toEqual({
      declined: true,
      reason: 'no candidate',
    });
  });

  it('repeat their random sequence for the same seed', () => {
    const draws = (seed: number): number[] => {
      const services = new TestStrategyServices({ seed });
      return [services.random(), services.random(), services.random()];
    };
    expect(draws(3)).toEqual(draws(3));
    expect(draws(3)).not.toEqual(draws(4));
  });
});
