import type { CommunicationError } from '../errors/communication-error.js';
import type { Envelope } from '../models/envelope.js';
import { EnvelopeSchema } from '../models/envelope.js';
import { PackedRunSchema } from '../models/packed-run.js';
import { fieldChecks as check } from '../validation/field-checks.js';
import { isHotPayloadFast } from '../validation/parse-envelope-fast.js';
import { malformedEnvelope } from './malformed-envelope.js';

const RUN_KEYS: ReadonlySet<string> = new Set(['id', 'kind', 'from', 'to', 'priority', 'sentAt', 'payloads']);
const KINDS: ReadonlySet<unknown> = new Set(PackedRunSchema.shape.kind.options);

/** What a wire message decodes to. */
export interface DecodedBatch {
  readonly envelopes: Envelope[];
  readonly problems: CommunicationError[];
  /** The `from` of every well-formed packed run: those senders read runs too (docs/protocol.md). */
  readonly runSenders: string[];
}

/** A packed run: a plain object with `payloads` where an envelope has `payload`. */
export function isPackedRunShape(value: unknown): value is Record<string, unknown> {
  return check.isPlainRecord(value) && Object.hasOwn(value, 'payloads');
}

/** The run's header as the schema would accept it, checked by hand (it comes with every busy message). */
function isRunHeaderFast(run: Record<string, unknown>): boolean {
  return (
    check.hasOnlyKeys(run, RUN_KEYS) &&
    check.isString(run.id, 1, 120) &&
    KINDS.has(run.kind) &&
    check.isAddress(run.from) &&
    check.isAddress(run.to) &&
    check.isPriority(run.priority) &&
    check.isNonNegativeNumber(run.sentAt) &&
    Array.isArray(run.payloads) &&
    run.payloads.length > 0
  );
}

/**
 * Unfolds a packed run into its envelopes, each validated exactly as if it had come alone: the
 * header once, each payload against its kind's schema. A bad header refuses the whole run; a bad
 * payload refuses only its own envelope, named as `payloads.<index>.<field>`.
 */
export function expandPackedRun(run: Record<string, unknown>, into: DecodedBatch): void {
  if (!isRunHeaderFast(run)) {
    const parsed = PackedRunSchema.safeParse(run);
    if (!parsed.success) {
      into.problems.push(malformedEnvelope(parsed.error.issues));
      return;
    }
  }
  const { id, kind, from, to, priority, sentAt } = run as {
    id: string;
    kind: Envelope['kind'];
    from: string;
    to: string;
    priority: Envelope['priority'];
    sentAt: number;
  };
  const payloads = run.payloads as unknown[];
  into.runSenders.push(from);
  for (let index = 0; index < payloads.length; index++) {
    const candidate = { id: `${id}.${String(index)}`, kind, from, to, priority, sentAt, payload: payloads[index] };
    if (isHotPayloadFast(kind, candidate.payload)) {
      into.envelopes.push(candidate as Envelope);
      continue;
    }
    const parsed = EnvelopeSchema.safeParse(candidate);
    if (parsed.success) into.envelopes.push(parsed.data);
    else
      into.problems.push(
        malformedEnvelope(parsed.error.issues, (path) =>
          path[0] === 'payload' ? ['payloads', index, ...path.slice(1)] : path,
        ),
      );
  }
}
