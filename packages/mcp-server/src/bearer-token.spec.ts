import { describe, expect, it } from 'vitest';
import { bearerToken } from './bearer-token.js';

describe('bearerToken', () => {
  it('reads the token of a Bearer header', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('Bearer   spaced  ')).toBe('spaced');
    expect(bearerToken('bearer any-case-scheme')).toBe('any-case-scheme');
  });

  it('finds none without a header, with another scheme, an empty token or two words', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwdw==')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer    ')).toBeUndefined();
    expect(bearerToken('Bearer two words')).toBeUndefined();
  });
});
