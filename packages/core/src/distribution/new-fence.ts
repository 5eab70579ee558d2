const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** 96 random bits per fence: 16 base64url characters. */
const FENCE_BYTES = 12;
/** Random bytes are drawn in batches: one getRandomValues call per 256 fences, not one per task. */
const pool = new Uint8Array(FENCE_BYTES * 256);
let offset = pool.length;

/**
 * A new attempt fence: 96 bits from the platform's cryptographic generator (Web Crypto, in
 * Node and browsers alike), so it cannot be guessed from earlier ones the way a counter can.
 */
export function newFence(): string {
  if (offset === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    offset = 0;
  }
  let fence = '';
  for (let end = offset + FENCE_BYTES; offset < end; offset += 3) {
    const bits = ((pool[offset] ?? 0) << 16) | ((pool[offset + 1] ?? 0) << 8) | (pool[offset + 2] ?? 0);
    fence += ALPHABET.charAt(bits >>> 18) + ALPHABET.charAt((bits >>> 12) & 63) + ALPHABET.charAt((bits >>> 6) & 63) + ALPHABET.charAt(bits & 63);
  }
  return fence;
}
