import { describe, expect, it } from 'vitest';
import { SlabMap } from './slab-map.js';

describe('SlabMap', () => {
  it('gets, replaces and deletes like a Map, keeping insertion order', () => {
    const map = new SlabMap<{ n: number }>();
    map.set('a', { n: 1 });
    map.set('b', { n: 2 });
    map.set('c', { n: 3 });
    expect(map.set('b', { n: 20 })).toEqual({ n: 2 });
    expect(map.set('e', { n: 5 })).toBeUndefined();
    map.delete('e');
    expect(map.size).toBe(3);
    expect(map.get('b')).toEqual({ n: 20 });
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect(map.get('a')).toBeUndefined();
    map.set('d', { n: 4 });
    expect([...map.keys()]).toEqual(['b', 'c', 'd']);
    expect([...map.values()].map((value) => value.n)).toEqual([20, 3, 4]);
  });

  it('reuses the slots of deleted entries instead of growing', () => {
    const map = new SlabMap<number>();
    for (let round = 0; round < 1_000; round++) {
      map.set(`k${String(round)}`, round);
      if (round >= 10) map.delete(`k${String(round - 10)}`);
    }
    expect(map.size).toBe(10);
    expect((map as unknown as { entries: unknown[] }).entries.length).toBeLessThanOrEqual(11);
    expect([...map.values()]).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
  });
});
