import { AgentRegistry, TaskRecord } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { powerOfTwoChoicesStrategy } from './power-of-two-choices-strategy.js';

describe('p2c strategy', () => {
  it('never picks the more loaded of its two samples', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 8 });
    for (let index = 0; index < 50; index++) {
      const { agent } = registry.register({ agentId: `a${String(index)}`, capabilities: ['w'], priority: 0, capacity: 10 }, 0);
      registry.setLoad(agent, (index * 7) % 10);
    }
    let seed = 42;
    const draws: number[] = [];
    const random = (): number => {
      seed = (seed * 16_807) % 2_147_483_647;
      const value = seed / 2_147_483_647;
      draws.push(value);
      return value;
    };
    const strategy = powerOfTwoChoicesStrategy.create({}, { now: () => 0, random });
    const task = new TaskRecord('t', 't', ['w'], null, 's', 'normal', null, 0);
    const pool = registry.candidates(['w']);
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
    const registry = new AgentRegistry({ maxCandidatePools: 8 });
    const strategy = powerOfTwoChoicesStrategy.create({}, { now: () => 0, random: Math.random });
    const task = new TaskRecord('t', 't', ['w'], null, 's', 'normal', null, 0);
    expect(strategy.select(registry.candidates(['w']), task)).toBeUndefined();
    registry.register({ agentId: 'solo', capabilities: ['w'], priority: 0 }, 0);
    expect(strategy.select(registry.candidates(['w']), task)?.id).toBe('solo');
  });
});
