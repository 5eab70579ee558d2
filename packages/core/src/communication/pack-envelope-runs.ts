import type { Envelope } from '../models/envelope.js';
import type { PackedRun } from '../models/packed-run.js';

function sameRun(first: Envelope, next: Envelope): boolean {
  return (
    next.kind === first.kind &&
    next.priority === first.priority &&
    next.from === first.from &&
    next.to === first.to &&
    next.correlationId === undefined
  );
}

/**
 * The envelopes in order, each stretch of two or more that share kind, from, to and priority (and
 * carry no correlationId, which a run has no place for) folded into one PackedRun. Decoding gives
 * back the same envelopes but for their ids and sentAt: a run leaves in one message, so its
 * envelopes share one send time, the latest of theirs. (Under load a tick that launches 64 tasks
 * spans milliseconds; requiring equal sentAt kept task requests from ever forming runs.)
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
      let sentAt = first.sentAt;
      for (let index = start; index < end; index++) {
        const envelope = envelopes[index] as Envelope;
        payloads.push(envelope.payload);
        if (envelope.sentAt > sentAt) sentAt = envelope.sentAt;
      }
      items.push({
        id: first.id,
        kind: first.kind,
        from: first.from,
        to: first.to,
        priority: first.priority,
        sentAt,
        payloads,
      });
    }
    start = end;
  }
  return items;
}
