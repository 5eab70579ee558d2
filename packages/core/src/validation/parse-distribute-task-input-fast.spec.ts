import fc from 'fast-check';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DistributeTaskInputSchema, DistributeTaskRequestSchema } from '../distribution/task-inputs.js';
import { RunTaskRequestSchema } from '../engine/engine-inputs.js';
import { parseInput } from './parse-input.js';
import {
  parseDistributeTaskInputFast,
  parseDistributeTaskRequestFast,
  parseRunTaskRequestFast,
} from './parse-distribute-task-input-fast.js';

const valid = (): Record<string, unknown> => ({
  taskId: 'task-1',
  taskType: 'summarize',
  requiredCapabilities: ['summarize', 'text'],
  taskData: { prompt: 'hello', tags: ['a'] },
  senderId: 'client-7',
  strategy: 'round_robin',
  priority: 'high',
});

const BAD_VALUES: Record<string, unknown[]> = {
  taskId: [undefined, '', ' space', 'x'.repeat(129), 5],
  taskType: [undefined, '', 'x'.repeat(257), null],
  requiredCapabilities: [
    undefined,
    'a',
    ['a b'],
    [''],
    [7],
    Array.from({ length: 257 }, (_, index) => `c${String(index)}`),
  ],
  taskData: [Number.NaN, { when: new Date(0) }, [() => 1], Infinity],
  senderId: [undefined, '', 'x'.repeat(257), 1],
  strategy: ['', 'Round_Robin', 'has space', 'x'.repeat(65), 3, null],
  priority: ['urgent', null, 1],
  authToken: ['not stripped'],
};

/** Random mutations of a valid input: whatever the fast path accepts, the schema accepts with the same output. */
function holdsToSchemaOnRandomInputs(
  fast: (input: unknown) => unknown,
  schema: z.ZodType,
  start: () => Record<string, unknown>,
  values: readonly unknown[],
  ...extraFields: string[]
): void {
  const field = fc.constantFrom(
    'taskId',
    'taskType',
    'requiredCapabilities',
    'taskData',
    'senderId',
    'strategy',
    'priority',
    'other',
    ...extraFields,
  );
  const anyValue = fc.oneof(fc.anything(), fc.constantFrom(undefined, 'a', ['a', 'a'], null, 0, ...values));
  fc.assert(
    fc.property(fc.array(fc.tuple(field, anyValue), { maxLength: 3 }), (mutations) => {
      const input = start();
      for (const [key, value] of mutations) {
        if (value === undefined) Reflect.deleteProperty(input, key);
        else input[key] = value;
      }
      const accepted = fast(input);
      const slow = schema.safeParse(input);
      if (accepted !== undefined) expect(accepted).toEqual(slow.data);
      if (!slow.success) expect(accepted).toBeUndefined();
    }),
    { numRuns: 2_000 },
  );
}

describe('parseDistributeTaskInputFast', () => {
  const cases = Object.entries(BAD_VALUES).flatMap(([field, values]) =>
    values.map((value) => {
      const input = valid();
      if (value === undefined) Reflect.deleteProperty(input, field);
      else input[field] = value;
      return { label: `${field}=${String(value)}`, input };
    }),
  );

  it.each(cases)('rejects what DistributeTaskInputSchema rejects: $label', ({ input }) => {
    expect(DistributeTaskInputSchema.safeParse(input).success).toBe(false);
    expect(parseDistributeTaskInputFast(input)).toBeUndefined();
    expect(() => parseInput(DistributeTaskInputSchema, input, 'task')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }) as Error,
    );
  });

  it('fills the defaults and drops duplicate capabilities exactly as the schema does', () => {
    const input = { taskId: 't', taskType: 'x', requiredCapabilities: ['a', 'a', 'b'], senderId: 's' };
    expect(parseDistributeTaskInputFast(input)).toEqual(DistributeTaskInputSchema.parse(input));
    expect(parseDistributeTaskInputFast(valid())).toEqual(DistributeTaskInputSchema.parse(valid()));
  });

  it('never accepts what the schema refuses, and outputs what the schema outputs, on random inputs', () => {
    holdsToSchemaOnRandomInputs(parseDistributeTaskInputFast, DistributeTaskInputSchema, valid, [
      'normal',
      'low',
      'capability_match',
    ]);
  });
});

describe('parseDistributeTaskRequestFast', () => {
  const cases = [
    ...Object.entries(BAD_VALUES)
      .filter(([field]) => field !== 'authToken')
      .flatMap(([field, values]) =>
        values.map((value) => {
          const input: Record<string, unknown> = { ...valid(), authToken: 'token' };
          if (value === undefined) Reflect.deleteProperty(input, field);
          else input[field] = value;
          return { label: `${field}=${String(value)}`, input };
        }),
      ),
    ...[5, null, { token: 'x' }].map((authToken) => ({
      label: `authToken=${JSON.stringify(authToken)}`,
      input: { ...valid(), authToken },
    })),
    { label: 'another unknown field', input: { ...valid(), authToken: 'token', other: 1 } },
  ];

  it.each(cases)('rejects what DistributeTaskRequestSchema rejects: $label', ({ input }) => {
    expect(DistributeTaskRequestSchema.safeParse(input).success).toBe(false);
    expect(parseDistributeTaskRequestFast(input)).toBeUndefined();
    expect(() => parseInput(DistributeTaskRequestSchema, input, 'task')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }) as Error,
    );
  });

  it('leaves the token out of what it outputs, exactly as the schema does', () => {
    const input = { ...valid(), authToken: 'token' };
    expect(parseDistributeTaskRequestFast(input)).toEqual(DistributeTaskRequestSchema.parse(input));
    expect(parseDistributeTaskRequestFast(input)).not.toHaveProperty('authToken');
    expect(parseDistributeTaskRequestFast(valid())).toEqual(DistributeTaskInputSchema.parse(valid()));
  });

  it('never accepts what the schema refuses, and outputs what the schema outputs, on random inputs', () => {
    holdsToSchemaOnRandomInputs(
      parseDistributeTaskRequestFast,
      DistributeTaskRequestSchema,
      () => ({ ...valid(), authToken: 'token' }),
      ['normal', 'token'],
      'authToken',
    );
  });
});

describe('parseRunTaskRequestFast', () => {
  const request = (): Record<string, unknown> => ({ ...valid(), authToken: 'token', timeoutMs: 5_000 });
  const cases = [0, -1, 1.5, 86_400_001, '5', null, Number.NaN].map((timeoutMs) => ({
    label: `timeoutMs=${String(timeoutMs)}`,
    input: { ...request(), timeoutMs },
  }));

  it.each(cases)('rejects what RunTaskRequestSchema rejects: $label', ({ input }) => {
    expect(RunTaskRequestSchema.safeParse(input).success).toBe(false);
    expect(parseRunTaskRequestFast(input)).toBeUndefined();
    expect(() => parseInput(RunTaskRequestSchema, input, 'task')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }) as Error,
    );
  });

  it('outputs the task and the wait, without the token, exactly as the schema does', () => {
    expect(parseRunTaskRequestFast(request())).toEqual(RunTaskRequestSchema.parse(request()));
    expect(parseRunTaskRequestFast(request())).toMatchObject({ timeoutMs: 5_000 });
    expect(parseRunTaskRequestFast(request())).not.toHaveProperty('authToken');
    const { timeoutMs: _wait, ...withoutWait } = request();
    expect(parseRunTaskRequestFast(withoutWait)).toEqual(RunTaskRequestSchema.parse(withoutWait));
    expect(parseRunTaskRequestFast(withoutWait)).not.toHaveProperty('timeoutMs');
  });

  it('never accepts what the schema refuses, and outputs what the schema outputs, on random inputs', () => {
    holdsToSchemaOnRandomInputs(
      parseRunTaskRequestFast,
      RunTaskRequestSchema,
      request,
      ['normal', 'token', 1, 86_400_000],
      'authToken',
      'timeoutMs',
    );
  });
});
