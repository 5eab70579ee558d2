import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { hashToken } from './hash-token.js';
import { TokenAuthenticator } from './token-authenticator.js';

describe('TokenAuthenticator', () => {
  it('knows a token only by its SHA-256 and maps it to its principal', async () => {
    const authenticator = new TokenAuthenticator([
      { name: 'ops', sha256: await hashToken('s3cret'), permissions: ['admin'] },
      { name: 'bot', sha256: await hashToken('bot-token'), permissions: ['tasks:respond'], agentId: 'bot-1' },
    ]);
    const ops = await authenticator.authenticate('s3cret');
    expect(ops.name).toBe('ops');
    expect([...ops.permissions]).toEqual(['admin']);
    await expect(authenticator.authenticate('bot-token')).resolves.toMatchObject({ name: 'bot', agentId: 'bot-1' });
  });

  it('refuses a missing, empty or unknown token with AuthenticationError', async () => {
    const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: 'right', permissions: ['admin'] }]);
    await expect(authenticator.authenticate(undefined)).rejects.toBeInstanceOf(AuthenticationError);
    await expect(authenticator.authenticate('')).rejects.toBeInstanceOf(AuthenticationError);
    await expect(authenticator.authenticate('wrong')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticator.authenticate('right ')).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('answers the same with a synchronous digest, as the orchestrator app injects one', async () => {
    const authenticator = await TokenAuthenticator.fromPlainTokens(
      [{ token: 'right', permissions: ['admin'] }],
      (token) => hash('sha256', token, 'buffer'),
    );
    await expect(authenticator.authenticate('right')).resolves.toMatchObject({ name: 'token-1' });
    await expect(authenticator.authenticate('wrong')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticator.authenticate(undefined)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses a config that lists the same token twice, naming the entry', async () => {
    const digest = await hashToken('same');
    expect(
      () =>
        new TokenAuthenticator([
          { name: 'a', sha256: digest, permissions: ['admin'] },
          { name: 'b', sha256: digest, permissions: ['tasks:create'] },
        ]),
    ).toThrow(ValidationError);
    expect(
      () =>
        new TokenAuthenticator([
          { name: 'a', sha256: digest, permissions: ['admin'] },
          { name: 'b', sha256: digest, permissions: ['tasks:create'] },
        ]),
    ).toThrow(/auth\.tokens\.1\.sha256/);
  });

  it('hashes to the standard SHA-256 hex digest', async () => {
    expect(await hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes a token once while it is remembered, and never remembers a refused one', async () => {
    let digests = 0;
    const authenticator = await TokenAuthenticator.fromPlainTokens(
      [{ token: 'right', permissions: ['admin'] }],
      (token) => {
        digests++;
        return hash('sha256', token, 'buffer');
      },
    );
    await expect(authenticator.authenticate('right')).resolves.toMatchObject({ name: 'token-1' });
    await expect(authenticator.authenticate('right')).resolves.toMatchObject({ name: 'token-1' });
    expect(digests).toBe(1);
    await expect(authenticator.authenticate('wrong')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticator.authenticate('wrong')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(digests).toBe(3);
  });

  it('keeps answering correctly when more tokens are verified than it remembers', async () => {
    const tokens = Array.from({ length: 300 }, (_, index) => ({
      token: `token-${String(index)}`,
      name: `p${String(index)}`,
      permissions: ['tasks:create' as const],
    }));
    const authenticator = await TokenAuthenticator.fromPlainTokens(tokens, (token) => hash('sha256', token, 'buffer'));
    for (const round of [0, 1]) {
      for (const [index, { token }] of tokens.entries())
        await expect(authenticator.authenticate(token), `round ${String(round)}`).resolves.toMatchObject({
          name: `p${String(index)}`,
        });
    }
    await expect(authenticator.authenticate('token-300')).rejects.toBeInstanceOf(AuthenticationError);
  });
});
