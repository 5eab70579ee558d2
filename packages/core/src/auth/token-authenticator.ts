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
 */
export class TokenAuthenticator implements Authenticator {
  private readonly tokens: readonly StoredToken[];

  /** `digest` computes SHA-256; the default uses WebCrypto, a runtime may inject a faster synchronous one. */
  constructor(
    entries: readonly TokenEntry[],
    private readonly digest: TokenDigest = webCryptoDigest,
  ) {
    const seen = new Set<string>();
    this.tokens = entries.map((entry, index) => {
      if (seen.has(entry.sha256)) throw ValidationError.field(`auth.tokens.${String(index)}.sha256`, 'the same token is listed twice');
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
    entries: readonly { readonly token: string; readonly name?: string; readonly permissions: readonly Permission[]; readonly agentId?: string }[],
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
      const digest = this.digest(token);
      // A synchronous digest (the app's) is matched at once: no extra await on every engine call.
      return digest instanceof Uint8Array ? Promise.resolve(this.match(digest)) : digest.then((bytes) => this.match(bytes));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
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
