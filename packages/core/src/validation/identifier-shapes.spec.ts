import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_PATTERNS } from '../models/identifier-patterns.js';
import { identifierShapes } from './identifier-shapes.js';

// Mostly characters the patterns treat specially, some they refuse, and one outside ASCII.
const alphabet = fc.constantFrom(
  'a',
  'Z',
  '0',
  '9',
  '_',
  '-',
  '.',
  ':',
  '/',
  ' ',
  '\n',
  'é',
  '\u{1F600}',
  '\0',
  '$',
  '^',
);
const candidates = fc.oneof(
  fc.array(alphabet, { maxLength: 12 }).map((characters) => characters.join('')),
  fc.string({ maxLength: 12 }),
  fc
    .array(fc.constantFrom('a', '_', '.', '-'), { minLength: 120, maxLength: 260 })
    .map((characters) => characters.join('')),
  fc.constantFrom(
    'a'.repeat(128),
    'a'.repeat(129),
    `${'a'.repeat(127)}.`,
    'a.'.repeat(128).slice(0, 256),
    `b${'a.'.repeat(128)}`,
  ),
);

describe('identifierShapes', () => {
  it('answers as IDENTIFIER_PATTERNS does, with the address bounded to 256 characters', () => {
    fc.assert(
      fc.property(candidates, (value) => {
        expect(identifierShapes.isAgentId(value)).toBe(IDENTIFIER_PATTERNS.agentId.test(value));
        expect(identifierShapes.isTaskId(value)).toBe(IDENTIFIER_PATTERNS.taskId.test(value));
        expect(identifierShapes.isCapability(value)).toBe(IDENTIFIER_PATTERNS.capability.test(value));
        expect(identifierShapes.isAddress(value)).toBe(value.length <= 256 && IDENTIFIER_PATTERNS.address.test(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 1, ['a'], { a: 1 }]) {
      expect([
        identifierShapes.isAgentId(value),
        identifierShapes.isTaskId(value),
        identifierShapes.isCapability(value),
        identifierShapes.isAddress(value),
      ]).toEqual([false, false, false, false]);
    }
  });
});
