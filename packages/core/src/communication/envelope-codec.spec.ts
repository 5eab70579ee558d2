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
  payload: { taskId: `t-${String(sequence)}`, attempt: 1, taskType: 'echo', requiredCapabilities: ['echo'], data: { sequence }, senderId: 's', priority: 'normal' },
});

describe('encodeEnvelopeBatch', () => {
  it('encodes one envelope as a plain object and several as an array that decodes back in order', () => {
    expect(JSON.parse(encodeEnvelopeBatch([request(1)]))).toEqual(request(1));
    const batch = [request(1), request(2), request(3)];
    expect(decodeEnvelopeBatch(encodeEnvelopeBatch(batch))).toEqual({ envelopes: batch, problems: [] });
  });
});
