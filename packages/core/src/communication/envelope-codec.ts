import { CommunicationError } from '../errors/communication-error.js';
import type { Envelope } from '../models/envelope.js';
import { EnvelopeSchema } from '../models/envelope.js';
import { parseEnvelopeFast } from '../validation/parse-envelope-fast.js';

/** Envelopes are JSON on every wire. */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

/**
 * One wire message for several envelopes: a JSON array (one envelope alone stays a plain
 * object). A single JSON.stringify of the array costs about a quarter less per envelope than
 * stringifying each and joining the strings.
 */
export function encodeEnvelopeBatch(envelopes: readonly Envelope[]): string {
  return JSON.stringify(envelopes.length === 1 ? envelopes[0] : envelopes);
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
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message }));
    const fields = issues.map((issue) => `${issue.field || '(root)'}: ${issue.message}`).join('; ');
    throw new CommunicationError('MALFORMED_MESSAGE', `Malformed envelope: ${fields}`, { issues });
  }
  return parsed.data;
}

/**
 * Parses a wire message that holds one envelope or a JSON array of envelopes (senders may
 * coalesce). Valid envelopes come back in order; each invalid one becomes a MALFORMED_MESSAGE.
 */
export function decodeEnvelopeBatch(text: string): { envelopes: Envelope[]; problems: CommunicationError[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { envelopes: [], problems: [new CommunicationError('MALFORMED_MESSAGE', 'Malformed envelope: not JSON', {}, { cause: error })] };
  }
  const items = Array.isArray(value) ? value : [value];
  const envelopes: Envelope[] = [];
  const problems: CommunicationError[] = [];
  for (const item of items) {
    try {
      envelopes.push(validateEnvelope(item));
    } catch (error) {
      problems.push(error as CommunicationError);
    }
  }
  return { envelopes, problems };
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
