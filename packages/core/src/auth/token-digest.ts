/** SHA-256 of a token. Core's default is WebCrypto (async, a thread-pool hop of ~50 µs in Node). */
export type TokenDigest = (token: string) => Uint8Array | Promise<Uint8Array>;

const encoder = new TextEncoder();

export const webCryptoDigest: TokenDigest = async (token) =>
  new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(token)));
