import { bytesToHex } from './hex.js';
import { webCryptoDigest } from './token-digest.js';

/** SHA-256 of a token as lower-case hex: what config stores instead of the token. */
export async function hashToken(token: string): Promise<string> {
  return bytesToHex(await webCryptoDigest(token));
}
