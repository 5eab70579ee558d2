import { describe, expect, it } from 'vitest';
import { DistributeTaskInputSchema } from '../distribution/task-inputs.js';
import { RunTaskRequestSchema } from '../engine/engine-inputs.js';
import {
  parseDistributeTaskInputFast,
  parseRunTaskRequestFast,
} from '../validation/parse-distribute-task-input-fast.js';
import { LIMITS } from './limits.js';

const input = (overrides: Record<string, unknown>): Record<string, unknown> => ({
  taskId: 'task-1',
  taskType: 'summarize',
  requiredCapabilities: ['summarize'],
  taskData: null,
  senderId: 'client-7',
  ...overrides,
});

/** Whether the zod schema and the hand-written fast path both accept (true) or both refuse (false). */
function bothAgree(
  schema: { safeParse(value: unknown): { success: boolean } },
  fast: (value: unknown) => unknown,
  value: Record<string, unknown>,
): boolean {
  const byZod = schema.safeParse(value).success;
  const byHand = fast(value) !== undefined;
  expect(byHand, `fast path and zod disagree on ${JSON.stringify(Object.keys(value))}`).toBe(byZod);
  return byZod;
}

describe('LIMITS: the schemas and the fast validators refuse at the same bound', () => {
  it.each([
    ['taskId', (length: number) => 't'.repeat(length), LIMITS.identifierLength],
    ['taskType', (length: number) => 'x'.repeat(length), LIMITS.nameLength],
    ['senderId', (length: number) => 's'.repeat(length), LIMITS.nameLength],
    [
      'requiredCapabilities',
      (length: number) => Array.from({ length }, (_, index) => `c${String(index)}`),
      LIMITS.capabilities,
    ],
  ] as const)('%s: at the limit accepted, one past refused', (field, make, limit) => {
    expect(bothAgree(DistributeTaskInputSchema, parseDistributeTaskInputFast, input({ [field]: make(limit) }))).toBe(
      true,
    );
    expect(
      bothAgree(DistributeTaskInputSchema, parseDistributeTaskInputFast, input({ [field]: make(limit + 1) })),
    ).toBe(false);
  });

  it('a wait of at most LIMITS.durationMs', () => {
    const run = (timeoutMs: number) => ({ ...input({ timeoutMs }), authToken: 'token' });
    expect(bothAgree(RunTaskRequestSchema, parseRunTaskRequestFast, run(LIMITS.durationMs))).toBe(true);
    expect(bothAgree(RunTaskRequestSchema, parseRunTaskRequestFast, run(LIMITS.durationMs + 1))).toBe(false);
  });

  it('task data nested at most LIMITS.jsonDepth levels', () => {
    const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);
    expect(
      bothAgree(
        DistributeTaskInputSchema,
        parseDistributeTaskInputFast,
        input({ taskData: nested(LIMITS.jsonDepth - 1) }),
      ),
    ).toBe(true);
    expect(
      bothAgree(
        DistributeTaskInputSchema,
        parseDistributeTaskInputFast,
        input({ taskData: nested(LIMITS.jsonDepth + 1) }),
      ),
    ).toBe(false);
  });
});
