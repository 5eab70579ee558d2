import { describe, expect, it } from 'vitest';
import type { Envelope } from '../models/envelope.js';
import { decodeEnvelopeBatch, encodeEnvelopeBatch } from './envelope-codec.js';

const request = (sequence: number): Envelope => ({
  id: `e-${String(sequence)}`,
  kind: 'task_request',
  from: 'orchestrator',
  to: 'agent.a',
  priority: 'normal',
  sentAt: 1,
  payload: {
    taskId: `t-${String(sequence)}`,
    attempt: 1,
    fence: 'f',
    taskType: 'echo',
    requiredCapabilities: ['echo'],
    data: { sequence },
    senderId: 's',
    priority: 'normal',
  },
});

describe('encodeEnvelopeBatch', () => {
  it('encodes one envelope as a plain object and several as an array that decodes back in order', () => {
    expect(JSON.parse(encodeEnvelopeBatch([request(1)]))).toEqual(request(1));
    const batch = [request(1), request(2), request(3)];
    expect(decodeEnvelopeBatch(encodeEnvelopeBatch(batch))).toEqual({ envelopes: batch, problems: [], runSenders: [] });
  });
});

describe('packed runs', () => {
  const withId = (envelope: Envelope, id: string): Envelope => ({ ...envelope, id });

  it('folds envelopes that share their header into one run, which decodes to the same envelopes with ids <id>.<index>', () => {
    const batch = [request(1), request(2), request(3)];
    const text = encodeEnvelopeBatch(batch, true);
    const wire = JSON.parse(text) as Record<string, unknown>;
    expect(wire).toEqual({
      id: 'e-1',
      kind: 'task_request',
      from: 'orchestrator',
      to: 'agent.a',
      priority: 'normal',
      sentAt: 1,
      payloads: batch.map((envelope) => envelope.payload),
    });
    expect(text.length).toBeLessThan(JSON.stringify(batch).length * 0.8);
    expect(decodeEnvelopeBatch(text)).toEqual({
      envelopes: batch.map((envelope, index) => withId(envelope, `e-1.${String(index)}`)),
      problems: [],
      runSenders: ['orchestrator'],
    });
  });

  it('keeps apart envelopes whose priority or correlationId differ, in order', () => {
    const urgent: Envelope = { ...request(3), priority: 'high' };
    const answering: Envelope = { ...request(5), correlationId: 'x-1' };
    const batch = [request(1), request(2), urgent, request(4), request(6), answering];
    const wire = JSON.parse(encodeEnvelopeBatch(batch, true)) as Record<string, unknown>[];
    expect(
      wire.map((item) =>
        'payloads' in item ? `run of ${String((item.payloads as unknown[]).length)}` : String(item.id),
      ),
    ).toEqual(['run of 2', 'e-3', 'run of 2', 'e-5']);
    const decoded = decodeEnvelopeBatch(JSON.stringify(wire));
    expect(decoded.problems).toEqual([]);
    expect(decoded.envelopes).toEqual([
      withId(request(1), 'e-1.0'),
      withId(request(2), 'e-1.1'),
      urgent,
      withId(request(4), 'e-4.0'),
      withId(request(6), 'e-4.1'),
      answering,
    ]);
  });

  it('packs envelopes made in different milliseconds into one run, which carries the latest sentAt for all', () => {
    const batch = [request(1), { ...request(2), sentAt: 7 }, { ...request(3), sentAt: 4 }];
    const wire = JSON.parse(encodeEnvelopeBatch(batch, true)) as Record<string, unknown>;
    expect(wire).toMatchObject({ id: 'e-1', sentAt: 7 });
    expect(decodeEnvelopeBatch(JSON.stringify(wire)).envelopes).toEqual(
      batch.map((envelope, index) => ({ ...withId(envelope, `e-1.${String(index)}`), sentAt: 7 })),
    );
  });

  it('sends a plain array when the receiver is not known to read runs', () => {
    expect(JSON.parse(encodeEnvelopeBatch([request(1), request(2)]))).toEqual([request(1), request(2)]);
  });

  it('refuses a run with a bad header as a whole, naming the field, and learns nothing from it', () => {
    const run = JSON.parse(encodeEnvelopeBatch([request(1), request(2)], true)) as Record<string, unknown>;
    for (const [field, bad] of [
      ['from', 'not an address!'],
      ['priority', 'urgent'],
      ['payloads', []],
      ['kind', 'task_gossip'],
      ['sentAt', -1],
    ] as const) {
      const decoded = decodeEnvelopeBatch(JSON.stringify({ ...run, [field]: bad }));
      expect(decoded.envelopes).toEqual([]);
      expect(decoded.runSenders).toEqual([]);
      expect(decoded.problems).toHaveLength(1);
      expect(decoded.problems[0]).toMatchObject({
        code: 'MALFORMED_MESSAGE',
        details: { issues: [expect.objectContaining({ field })] },
      });
    }
    const extra = decodeEnvelopeBatch(JSON.stringify({ ...run, correlationId: 'x' }));
    expect(extra.envelopes).toEqual([]);
    expect(extra.problems[0]?.message).toMatch(/correlationId/);
  });

  it('refuses only the bad payloads of a run, each named by its index, and delivers the rest', () => {
    const run = JSON.parse(encodeEnvelopeBatch([request(1), request(2), request(3)], true)) as {
      payloads: Record<string, unknown>[];
    };
    run.payloads[1] = { ...run.payloads[1], taskId: '' };
    const decoded = decodeEnvelopeBatch(JSON.stringify(run));
    expect(decoded.envelopes.map((envelope) => envelope.id)).toEqual(['e-1.0', 'e-1.2']);
    expect(decoded.problems).toHaveLength(1);
    expect(decoded.problems[0]).toMatchObject({
      code: 'MALFORMED_MESSAGE',
      details: { issues: [expect.objectContaining({ field: 'payloads.1.taskId' })] },
    });
  });
});
