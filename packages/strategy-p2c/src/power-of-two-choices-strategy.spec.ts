import { buildTask, CandidateFleet, TestStrategyServices } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { powerOfTwoChoicesStrategy } from './power-of-two-choices-strategy.js';

describe('p2c strategy', () => {
  it('never picks the more loaded of its two samples', () => {
    const fleet = new CandidateFleet(
      Array.from({ length: 50 }, (_, index) => ({ id: `a${String(index)}`, capacity: 10, load: (index * 7) % 10 })),
    );
    let seed = 42;
    const draws: number[] = [];
    const random = (): number => {
      seed = (seed * 16_807) % 2_147_483_647;
      const value = seed / 2_147_483_647;
      draws.push(value);
      return value;
    };
    const strategy = powerOfTwoChoicesStrategy.create({}, new TestStrategyServices({ random }));
    const task = buildTask();
    const pool = fleet.candidates();
    for (let decision = 0; decision < 2_000; decision++) {
      draws.length = 0;
      const chosen = strategy.select(pool, task);
      const size = pool.size;
      const firstIndex = Math.floor((draws[0] as number) * size);
      let secondIndex = Math.floor((draws[1] as number) * (size - 1));
      if (secondIndex >= firstIndex) secondIndex++;
      const [first, second] = [pool.at(firstIndex), pool.at(secondIndex)];
      expect(first).not.toBe(second);
      expect(chosen === first || chosen === second).toBe(true);
      const other = chosen === first ? second : first;
      expect(chosen!.load / chosen!.capacity).toBeLessThanOrEqual(other!.load / other!.capacity);
    }
  });

  it('takes the only candidate, and declines when there is none', () => {
    const fleet = new CandidateFleet();
    const strategy = powerOfTwoChoicesStrategy.create({}, new TestStrategyServices());
    const task = buildTask();
    expect(strategy.select(fleet.candidates(), task)).toBeUndefined();
    fleet.add({ id: 'solo' });
    expect(strategy.select(fleet.candidates(), task)?.id).toBe('solo');
  });
});
