import { bytesToHex } from './hex.js';

/** SHA-256 of a token as lower-case hex: what config stores instead of the token. */
export async function hashToken(token: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return bytesToHex(new Uint8Array(digest));
}
