import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';

/** mulberry32 as usually written, its state a closure variable: the sequence seededRandom must keep. */
function referenceMulberry32(seed: number, name: string): () => number {
  let state = (Math.trunc(seed) ^ 0x811c9dc5) >>> 0;
  for (let index = 0; index < name.length; index++) state = Math.imul(state ^ name.charCodeAt(index), 0x01000193) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

describe('seededRandom', () => {
  it('draws mulberry32’s sequence exactly (a seeded run repeats its choices across versions)', () => {
    for (const [seed, name] of [
      [0, 'learned'],
      [123_456_789, 'p2c'],
      [-5, ''],
      [2 ** 40, 'round_robin'],
    ] as const) {
      const drawn = seededRandom(seed, name);
      const expected = referenceMulberry32(seed, name);
      for (let draw = 0; draw < 10_000; draw++) expect(drawn()).toBe(expected());
    }
  });

  it('gives each name its own sequence, uniform in [0, 1)', () => {
    const first = seededRandom(7, 'a');
    const second = seededRandom(7, 'b');
    let same = 0;
    let sum = 0;
    for (let draw = 0; draw < 10_000; draw++) {
      const value = first();
      if (value === second()) same++;
      expect(value >= 0 && value < 1).toBe(true);
      sum += value;
    }
    expect(same).toBeLessThan(5);
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02);
  });
});
