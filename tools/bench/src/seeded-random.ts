/** A deterministic pseudo-random sequence (mulberry32), so every run builds the same fleet and workload. */
export function seededRandom(seed: number): () => number {
  // In a typed array, not a closure variable: a uint32 above 2^31 there is a boxed number per draw.
  const state = new Int32Array([seed]);
  return () => {
    let value = (state[0] = ((state[0] ?? 0) + 0x6d2b79f5) | 0);
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}
