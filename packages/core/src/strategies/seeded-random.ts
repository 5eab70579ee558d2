/**
 * A small, fast generator (mulberry32) uniform in [0, 1), seeded from a number and a name: the
 * same seed gives each strategy the same sequence in every run, and two strategies different ones.
 */
export function seededRandom(seed: number, name: string): () => number {
  // FNV-1a of the name, mixed with the seed.
  let hash = (Math.trunc(seed) ^ 0x811c9dc5) >>> 0;
  for (let index = 0; index < name.length; index++) hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193) >>> 0;
  // The state lives in a typed array: a closure variable holding a uint32 above 2^31 is a boxed
  // number, one allocation per draw, which made a draw twice as slow.
  const state = new Int32Array([hash]);
  return () => {
    let mixed = (state[0] = ((state[0] ?? 0) + 0x6d2b79f5) | 0);
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
