import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEnvelope } from '../communication/envelope-codec.js';
import { EnvelopeSchema } from '../models/envelope.js';
import { parseEnvelopeFast } from './parse-envelope-fast.js';

type Json = Record<string, unknown>;

const taskRequest = (): Json => ({
  id: 'a1b2c3d4-1',
  kind: 'task_request',
  from: 'orchestrator',
  to: 'agent.echo-1',
  priority: 'normal',
  sentAt: 1_764_140_000_000,
  payload: {
    taskId: 'task-1',
    attempt: 1,
    fence: '2.AbCdEfGhIjKlMnOp',
    taskType: 'echo',
    requiredCapabilities: ['echo', 'text'],
    data: { prompt: 'hi', n: [1, 2, { deep: null }] },
    senderId: 'bench',
    priority: 'normal',
  },
});

const taskResponse = (): Json => ({
  id: 'ff00-2',
  kind: 'task_response',
  from: 'agent.echo-1',
  to: 'orchestrator',
  priority: 'high',
  correlationId: 'a1b2c3d4-1',
  sentAt: 0,
  payload: {
    taskId: 'task-1',
    attempt: 2,
    fence: 'AbCdEfGhIjKlMnOp',
    agentId: 'echo-1',
    status: 'failed',
    result: null,
    error: { message: 'boom', code: 'X', permanent: true },
  },
});

/** A copy of `base` with `value` at `path` (undefined deletes the key). */
function withField(base: Json, path: readonly string[], value: unknown): Json {
  const copy = structuredClone(base);
  let target: Json = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Json;
  const last = path[path.length - 1] ?? '';
  if (value === undefined) Reflect.deleteProperty(target, last);
  else target[last] = value;
  return copy;
}

const long = (length: number): string => 'x'.repeat(length);
const deep = (levels: number): unknown => Array.from({ length: levels }).reduce<unknown>((inner) => [inner], 1);
class EnvelopeLike {
  constructor(readonly fields: Json) {}
}

/** Bad values per field: missing, wrong type, out of range, bad characters, extra keys. */
const BAD_VALUES: Record<string, unknown[]> = {
  id: [undefined, '', long(129), 7, null],
  kind: [undefined, 'task', 'TASK_REQUEST', 1],
  from: [undefined, '', 'agent..x', 'agent x', '.agent', `a.${long(255)}`, 'agent.é', ['orchestrator']],
  to: [undefined, '', 'agent.', 'agent.*', '>'],
  priority: [undefined, 'urgent', 'Normal', 0],
  correlationId: ['', long(129), 5, null],
  sentAt: [undefined, -1, Number.NaN, Infinity, '1', null],
  payload: [undefined, null, 'payload', [], 42],
  extra: ['unexpected key'],
};

const REQUEST_PAYLOAD_BAD_VALUES: Record<string, unknown[]> = {
  taskId: [undefined, '', '-leading-dash', 'has space', long(129), 12],
  attempt: [undefined, 0, -1, 1.5, 2 ** 53, Number.NaN, '1', null],
  fence: [undefined, '', long(129), 7, null],
  taskType: [undefined, '', long(257), 3],
  requiredCapabilities: [
    undefined,
    'echo',
    [''],
    ['ok', 'bad cap'],
    [1],
    Array.from({ length: 257 }, (_, index) => `c${String(index)}`),
    { 0: 'echo' },
  ],
  data: [undefined, Number.NaN, Infinity, { nested: [1, Infinity] }, deep(200), new Date(0), new Map(), { f: () => 1 }],
  senderId: [undefined, '', long(257), 5],
  priority: [undefined, 'asap'],
  extra: [true],
};

const RESPONSE_PAYLOAD_BAD_VALUES: Record<string, unknown[]> = {
  taskId: [undefined, '', 'a b'],
  attempt: [0, -3, 2.5, '2'],
  fence: [undefined, '', long(129), 7, null],
  agentId: [undefined, '', 'a.b', 'x'.repeat(129), '_leading'],
  status: [undefined, 'done', 'COMPLETED'],
  result: [Number.NaN, { when: new Date(0) }, [undefined]],
  error: [
    null,
    'boom',
    {},
    { message: 5 },
    { message: long(10_001) },
    { message: 'm', code: long(129) },
    { message: 'm', permanent: 'yes' },
    { message: 'm', extra: 1 },
  ],
  extra: [{}],
};

function corpus(): { label: string; value: unknown }[] {
  const cases: { label: string; value: unknown }[] = [];
  for (const [make, payloadBad] of [
    [taskRequest, REQUEST_PAYLOAD_BAD_VALUES],
    [taskResponse, RESPONSE_PAYLOAD_BAD_VALUES],
  ] as const) {
    const base = make();
    for (const [field, values] of Object.entries(BAD_VALUES)) {
      // A missing correlationId is fine: it is optional.
      for (const value of values)
        if (!(field === 'correlationId' && value === undefined))
          cases.push({
            label: `${String(base.kind)} ${field}=${String(value)}`,
            value: withField(base, [field], value),
          });
    }
    for (const [field, values] of Object.entries(payloadBad)) {
      for (const value of values)
        cases.push({
          label: `${String(base.kind)} payload.${field}=${String(value)}`,
          value: withField(base, ['payload', field], value),
        });
    }
    cases.push({ label: `${String(base.kind)} as a class instance`, value: new EnvelopeLike(base) });
    cases.push({
      label: `${String(base.kind)} with the other kind's payload`,
      value: { ...base, kind: base.kind === 'task_request' ? 'task_response' : 'task_request' },
    });
  }
  cases.push(
    { label: 'null', value: null },
    { label: 'a string', value: 'envelope' },
    { label: 'an array', value: [taskRequest()] },
    { label: 'an empty object', value: {} },
  );
  return cases;
}

describe('parseEnvelopeFast', () => {
  it.each(corpus())('rejects what EnvelopeSchema rejects: $label', ({ value }) => {
    expect(EnvelopeSchema.safeParse(value).success).toBe(false);
    expect(parseEnvelopeFast(value)).toBeUndefined();
    expect(() => validateEnvelope(value)).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE' }) as Error);
  });

  it.each([
    ['a task_request', taskRequest()],
    ['a task_response', taskResponse()],
    [
      'a task_response without optional fields',
      withField(
        withField(withField(taskResponse(), ['payload', 'error'], undefined), ['payload', 'attempt'], undefined),
        ['correlationId'],
        undefined,
      ),
    ],
    ['a null-prototype object', Object.assign(Object.create(null) as Json, taskRequest())],
    ['JSON from the wire', JSON.parse(JSON.stringify(taskResponse())) as unknown],
  ])('accepts %s as it is, equal to the schema’s output', (_label, value) => {
    const fast = parseEnvelopeFast(value);
    expect(fast).toBeDefined();
    expect(fast).toEqual(EnvelopeSchema.parse(value));
    // No copy: the checks admit only exactly the schema's keys, so the copy would be equal.
    expect(fast).toBe(value);
  });

  it('leaves a capability list with duplicates to the schema, which drops them', () => {
    const value = withField(taskRequest(), ['payload', 'requiredCapabilities'], ['a', 'b', 'a']);
    expect(parseEnvelopeFast(value)).toBeUndefined();
    expect(validateEnvelope(value)).toMatchObject({ payload: { requiredCapabilities: ['a', 'b'] } });
  });

  it('leaves other kinds to the schema, which still accepts them', () => {
    const ack = {
      id: 'a-1',
      kind: 'ack',
      from: 'orchestrator',
      to: 'agent.x',
      priority: 'high',
      correlationId: 'r-1',
      sentAt: 1,
      payload: { ok: true },
    };
    expect(parseEnvelopeFast(ack)).toBeUndefined();
    expect(validateEnvelope(ack)).toEqual(EnvelopeSchema.parse(ack));
  });

  it('never accepts what the schema refuses, and outputs what the schema outputs, on random mutations', () => {
    const paths = [
      ['id'],
      ['kind'],
      ['from'],
      ['to'],
      ['priority'],
      ['correlationId'],
      ['sentAt'],
      ['payload'],
      ['payload', 'taskId'],
      ['payload', 'attempt'],
      ['payload', 'fence'],
      ['payload', 'taskType'],
      ['payload', 'requiredCapabilities'],
      ['payload', 'data'],
      ['payload', 'senderId'],
      ['payload', 'priority'],
      ['payload', 'agentId'],
      ['payload', 'status'],
      ['payload', 'result'],
      ['payload', 'error'],
      ['payload', 'extra'],
      ['extra'],
    ];
    const anyValue = fc.oneof(
      fc.anything(),
      fc.constantFrom(
        'task_request',
        'task_response',
        'ack',
        'completed',
        'failed',
        'normal',
        'orchestrator',
        'agent.a',
        'a',
        '',
        0,
        1,
        -0,
        2 ** 53,
        Number.NaN,
        undefined,
      ),
      fc.array(fc.constantFrom('a', 'b', 'a', 'c/d', 'bad cap', '')),
      fc.record(
        {
          message: fc.string(),
          code: fc.option(fc.string(), { nil: undefined }),
          permanent: fc.option(fc.boolean(), { nil: undefined }),
        },
        { requiredKeys: [] },
      ),
    );
    const mutation = fc.tuple(fc.constantFrom(...paths), anyValue);
    fc.assert(
      fc.property(fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (request, mutations) => {
        let value = request ? taskRequest() : taskResponse();
        for (const [path, replacement] of mutations) {
          if (path.length === 2 && (typeof value.payload !== 'object' || value.payload === null)) continue;
          value = withField(value, path, replacement);
        }
        const fast = parseEnvelopeFast(value);
        const slow = EnvelopeSchema.safeParse(value);
        if (fast !== undefined) {
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        }
        if (!slow.success) expect(fast).toBeUndefined();
      }),
      { numRuns: 3_000 },
    );
  });
});
