import { hash } from 'node:crypto';
import { TokenAuthenticator } from '@switchyard/core';
import { BENCH_TOKEN } from './switchyard-caller.js';

/** The bench's one admin token, hashed with Node's synchronous one-shot SHA-256 as the orchestrator app does. */
export function benchAuthenticator(): Promise<TokenAuthenticator> {
  return TokenAuthenticator.fromPlainTokens([{ token: BENCH_TOKEN, permissions: ['admin'] }], (token) =>
    hash('sha256', token, 'buffer'),
  );
}
