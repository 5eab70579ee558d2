const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 132 random bits as 22 base64url characters: unguessable, and short enough to compare per answer. */
export function newAgentSession(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(22));
  let session = '';
  for (const byte of bytes) session += BASE64URL.charAt(byte & 63);
  return session;
}

/**
 * Whether a presented session is the expected one, in time that depends only on the expected
 * length: no early exit, so timing says nothing about how much of a guess was right. Strings,
 * not bytes: no encoding and no hashing per answer on the hot path.
 */
export function isSameSession(expected: string, presented: string | undefined): boolean {
  if (presented === undefined || presented.length !== expected.length) return false;
  let difference = 0;
  for (let index = 0; index < expected.length; index++)
    difference |= expected.charCodeAt(index) ^ presented.charCodeAt(index);
  return difference === 0;
}
