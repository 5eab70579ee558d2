import { describe, expect, it } from 'vitest';
import { isJsonValue, JsonValueSchema } from './json-value.js';

describe('JsonValueSchema', () => {
  it.each([
    null,
    true,
    0,
    -1.5,
    'text',
    [],
    {},
    [1, 'a', null, { b: [true] }],
    { nested: { deeper: [{ x: 1 }] } },
    Object.create(null) as object,
  ])('accepts %j', (value) => {
    expect(isJsonValue(value)).toBe(true);
    expect(JsonValueSchema.safeParse(value).success).toBe(true);
  });

  it.each([
    undefined,
    Number.NaN,
    Infinity,
    () => 1,
    Symbol('s'),
    10n,
    new Date(0),
    new Map(),
    [1, undefined],
    { when: new Date(0) },
    { f: () => 1 },
  ])('refuses %s', (value) => {
    expect(isJsonValue(value)).toBe(false);
    expect(JsonValueSchema.safeParse(value).success).toBe(false);
  });

  it('refuses nesting beyond 128 levels instead of exhausting the stack', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 200; level++) deep = [deep];
    expect(isJsonValue(deep)).toBe(false);
    let fine: unknown = 1;
    for (let level = 0; level < 100; level++) fine = { next: fine };
    expect(isJsonValue(fine)).toBe(true);
  });
});
