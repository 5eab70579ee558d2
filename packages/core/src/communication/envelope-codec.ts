import { CommunicationError } from '../errors/communication-error.js';
import type { Envelope } from '../models/envelope.js';
import { EnvelopeSchema } from '../models/envelope.js';
import { parseEnvelopeFast } from '../validation/parse-envelope-fast.js';
import type { DecodedBatch } from './expand-packed-run.js';
import { expandPackedRun, isPackedRunShape } from './expand-packed-run.js';
import { malformedEnvelope } from './malformed-envelope.js';
import { packEnvelopeRuns } from './pack-envelope-runs.js';

/** Envelopes are JSON on every wire. */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

/**
 * One wire message for several envelopes: a JSON array (one envelope alone stays a plain
 * object). A single JSON.stringify of the array costs about a quarter less per envelope than
 * stringifying each and joining the strings. With `packRuns` (only for a receiver known to read
 * them, see docs/protocol.md) envelopes that share their header go as packed runs.
 */
export function encodeEnvelopeBatch(envelopes: readonly Envelope[], packRuns = false): string {
  if (envelopes.length === 1) return JSON.stringify(envelopes[0]);
  if (!packRuns) return JSON.stringify(envelopes);
  const items = packEnvelopeRuns(envelopes);
  return JSON.stringify(items.length === 1 ? items[0] : items);
}

/**
 * Checks anything that arrived from outside against the envelope schema (the common envelopes
 * through a hand-written equivalent first, see parseEnvelopeFast). Throws
 * CommunicationError `MALFORMED_MESSAGE` naming the bad fields.
 */
export function validateEnvelope(value: unknown): Envelope {
  const fast = parseEnvelopeFast(value);
  if (fast !== undefined) return fast;
  const parsed = EnvelopeSchema.safeParse(value);
  if (!parsed.success) throw malformedEnvelope(parsed.error.issues);
  return parsed.data;
}

/**
 * Parses a wire message: one envelope, a packed run, or a JSON array of those (senders may
 * coalesce). Valid envelopes come back in order; each invalid one becomes a MALFORMED_MESSAGE.
 */
export function decodeEnvelopeBatch(text: string): DecodedBatch {
  const batch: DecodedBatch = { envelopes: [], problems: [], runSenders: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    batch.problems.push(
      new CommunicationError('MALFORMED_MESSAGE', 'Malformed envelope: not JSON', {}, { cause: error }),
    );
    return batch;
  }
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (isPackedRunShape(item)) {
      expandPackedRun(item, batch);
      continue;
    }
    try {
      batch.envelopes.push(validateEnvelope(item));
    } catch (error) {
      batch.problems.push(error as CommunicationError);
    }
  }
  return batch;
}

/** Parses JSON text from a wire into a validated envelope. */
export function decodeEnvelope(text: string): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CommunicationError('MALFORMED_MESSAGE', 'Malformed envelope: not JSON', {}, { cause: error });
  }
  return validateEnvelope(value);
}
