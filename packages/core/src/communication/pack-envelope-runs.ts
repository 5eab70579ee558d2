import type { Envelope } from '../models/envelope.js';
import type { PackedRun } from '../models/packed-run.js';

function sameRun(first: Envelope, next: Envelope): boolean {
  return (
    next.kind === first.kind &&
    next.priority === first.priority &&
    next.sentAt === first.sentAt &&
    next.from === first.from &&
    next.to === first.to &&
    next.correlationId === undefined
  );
}

/**
 * The envelopes in order, each stretch of two or more that share kind, from, to, priority and
 * sentAt (and carry no correlationId, which a run has no place for) folded into one PackedRun.
 * Decoding gives back the same envelopes but for their ids.
 */
export function packEnvelopeRuns(envelopes: readonly Envelope[]): (Envelope | PackedRun)[] {
  const items: (Envelope | PackedRun)[] = [];
  let start = 0;
  while (start < envelopes.length) {
    const first = envelopes[start] as Envelope;
    let end = start + 1;
    if (first.correlationId === undefined)
      while (end < envelopes.length && sameRun(first, envelopes[end] as Envelope)) end++;
    if (end - start === 1) {
      items.push(first);
    } else {
      const payloads: unknown[] = [];
      for (let index = start; index < end; index++) payloads.push((envelopes[index] as Envelope).payload);
      items.push({
        id: first.id,
        kind: first.kind,
        from: first.from,
        to: first.to,
        priority: first.priority,
        sentAt: first.sentAt,
        payloads,
      });
    }
    start = end;
  }
  return items;
}
