import { AuthenticationError } from '../errors/authentication-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { TokenEntry } from './auth-options.js';
import type { Authenticator } from './authenticator.js';
import { hashToken } from './hash-token.js';
import { hexToBytes } from './hex.js';
import type { TokenDigest } from './token-digest.js';
import { webCryptoDigest } from './token-digest.js';
import type { Permission } from './permission.js';
import type { Principal } from './principal.js';

/** How many distinct verified tokens are remembered; a deployment has a handful, a bound keeps a flood of them harmless. */
const VERIFIED_LIMIT = 256;

interface StoredToken {
  readonly digest: Uint8Array;
  readonly principal: Principal;
}

/** Equal-length byte arrays compared without an early exit, so timing says nothing about where they differ. */
function constantTimeEqual(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index++) difference |= (left[index] as number) ^ (right[index] as number);
  return difference === 0;
}

/**
 * Tokens from config, kept only as SHA-256 digests. A presented token is hashed and compared
 * against every stored digest in constant time, so neither a token nor its position leaks.
 *
 * Tokens already verified are remembered (token → principal), so a caller that presents its
 * token on every call pays the hash once. This is safe because: the token list is fixed at
 * construction, so a remembered success never goes stale; only successes are remembered, so
 * every wrong token still takes the hash and the constant-time comparison; and a lookup of a
 * wrong token compares it with a remembered one only on a collision of V8's seeded string hash,
 * which an outsider can neither choose nor observe. The remembered tokens live in this process's
 * memory, as they already do in every request that carries one.
 */
export class TokenAuthenticator implements Authenticator {
  private readonly tokens: readonly StoredToken[];
  /** Verified tokens, oldest first (a Map keeps insertion order): the bound drops the oldest. */
  private readonly verified = new Map<string, Principal>();

  /** `digest` computes SHA-256; the default uses WebCrypto, a runtime may inject a faster synchronous one. */
  constructor(
    entries: readonly TokenEntry[],
    private readonly digest: TokenDigest = webCryptoDigest,
  ) {
    const seen = new Set<string>();
    this.tokens = entries.map((entry, index) => {
      if (seen.has(entry.sha256))
        throw ValidationError.field(`auth.tokens.${String(index)}.sha256`, 'the same token is listed twice');
      seen.add(entry.sha256);
      const principal: Principal = {
        name: entry.name,
        permissions: new Set<Permission>(entry.permissions),
        ...(entry.agentId === undefined ? {} : { agentId: entry.agentId }),
      };
      return { digest: hexToBytes(entry.sha256), principal };
    });
  }

  /** For library use: takes plain tokens and keeps only their digests. */
  static async fromPlainTokens(
    entries: readonly {
      readonly token: string;
      readonly name?: string;
      readonly permissions: readonly Permission[];
      readonly agentId?: string;
    }[],
    digest?: TokenDigest,
  ): Promise<TokenAuthenticator> {
    const hashed = await Promise.all(
      entries.map(async (entry, index) => ({
        name: entry.name ?? `token-${String(index + 1)}`,
        sha256: await hashToken(entry.token),
        permissions: [...entry.permissions],
        ...(entry.agentId === undefined ? {} : { agentId: entry.agentId }),
      })),
    );
    return new TokenAuthenticator(hashed, digest);
  }

  authenticate(token: string | undefined): Promise<Principal> {
    try {
      if (token === undefined || token.length === 0) throw new AuthenticationError('An auth token is required');
      const known = this.verified.get(token);
      if (known !== undefined) return Promise.resolve(known);
      const digest = this.digest(token);
      // A synchronous digest (the app's) is matched at once: no extra await on every engine call.
      return digest instanceof Uint8Array
        ? Promise.resolve(this.remember(token, this.match(digest)))
        : digest.then((bytes) => this.remember(token, this.match(bytes)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  recognize(token: string): Principal | undefined {
    return this.verified.get(token);
  }

  private remember(token: string, principal: Principal): Principal {
    if (this.verified.size >= VERIFIED_LIMIT) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, principal);
    return principal;
  }

  private match(digest: Uint8Array): Principal {
    let match: Principal | undefined;
    for (const stored of this.tokens) {
      // No early exit: every stored digest is compared whatever matched before.
      if (constantTimeEqual(stored.digest, digest)) match = stored.principal;
    }
    if (match === undefined) throw new AuthenticationError('The auth token is not valid');
    return match;
  }
}
