import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentIdSchema, TaskIdSchema } from '../models/identifiers.js';
import { fastPathRegistry } from './fast-path-registry.js';
import { parseInput } from './parse-input.js';

describe.each([
  ['AgentIdSchema', AgentIdSchema],
  ['TaskIdSchema', TaskIdSchema],
])('the fast path of %s', (_name, schema) => {
  const fast = fastPathRegistry.of(schema);

  it('exists, and accepts exactly what the schema accepts, with the same output', () => {
    expect(fast).toBeDefined();
    const candidates = fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_.:/ -]{0,130}$/), fc.anything());
    fc.assert(
      fc.property(candidates, (value) => {
        const slow = schema.safeParse(value);
        expect(fast?.(value)).toEqual(slow.success ? slow.data : undefined);
      }),
      { numRuns: 3_000 },
    );
  });

  it.each(['', ' x', '-x', 'x'.repeat(129), 42, null, undefined, 'a b'])(
    'leaves %j to the schema, which names the problem',
    (value) => {
      expect(fast?.(value)).toBeUndefined();
      expect(() => parseInput(schema, value, 'id')).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }) as Error,
      );
    },
  );
});
