import type { Envelope } from '@switchyard/core/internal';
import { taskRequestEnvelope } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { ChunkedInbox } from './chunked-inbox.js';

const sequenceOf = (envelope: Envelope): number =>
  envelope.kind === 'task_request' ? (envelope.payload.data as { sequence: number }).sequence : -1;

describe('ChunkedInbox', () => {
  it('hands a big batch over a few per turn, in order, with later batches behind it, and says when it is empty', async () => {
    const handled: number[] = [];
    const inbox = new ChunkedInbox(
      () => undefined,
      (_handler, envelope) => handled.push(sequenceOf(envelope)),
    );
    inbox.receive(Array.from({ length: 100 }, (_, index) => taskRequestEnvelope('orchestrator', 'agent.a', index)));
    const firstTurn = handled.length;
    inbox.receive([taskRequestEnvelope('orchestrator', 'agent.a', 100)]);
    expect(firstTurn).toBeGreaterThan(0);
    expect(firstTurn).toBeLessThan(100);
    expect(handled).toHaveLength(firstTurn);
    await inbox.whenEmpty();
    expect(handled).toEqual(Array.from({ length: 101 }, (_, index) => index));
  });

  it('hands a lone envelope over at once', () => {
    const handled: number[] = [];
    const inbox = new ChunkedInbox(
      () => undefined,
      (_handler, envelope) => handled.push(sequenceOf(envelope)),
    );
    inbox.receive([taskRequestEnvelope('orchestrator', 'agent.a', 7)]);
    expect(handled).toEqual([7]);
  });
});
