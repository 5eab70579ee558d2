import { describe, expect, it } from 'vitest';
import { newFence } from './new-fence.js';

describe('newFence', () => {
  it('makes 16 base64url characters, different every time, across pool refills', () => {
    const fences = new Set<string>();
    for (let index = 0; index < 20_000; index++) fences.add(newFence());
    expect(fences.size).toBe(20_000);
    for (const fence of fences) expect(fence).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('uses every character of the alphabet at each position (no bits lost in the encoding)', () => {
    const seen = Array.from({ length: 16 }, () => new Set<string>());
    for (let index = 0; index < 20_000; index++) {
      const fence = newFence();
      for (let position = 0; position < 16; position++) seen[position]?.add(fence.charAt(position));
    }
    expect(seen.map((characters) => characters.size)).toEqual(Array.from({ length: 16 }, () => 64));
  });
});
