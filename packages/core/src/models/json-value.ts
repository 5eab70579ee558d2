import { z } from 'zod';
import { LIMITS } from './limits.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Deeper nesting is refused: it protects the recursion, and no sane task needs it. */
const MAX_JSON_DEPTH = LIMITS.jsonDepth;

/**
 * True for values JSON carries unchanged: null, booleans, finite numbers, strings, arrays and
 * plain objects of those. A plain recursive walk: about 15× cheaper than zod's recursive union,
 * and it runs on every task's data and result.
 */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!isJsonValue(value[index], depth + 1)) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  // for-in with an own-property check visits what Object.values would, without allocating an
  // array per object: this runs several times on every task's data and result.
  const record = value as Record<string, unknown>;
  for (const key in record) if (Object.hasOwn(record, key) && !isJsonValue(record[key], depth + 1)) return false;
  return true;
}

/** Task data and results are JSON: that is what crosses every transport unchanged. */
export const JsonValueSchema: z.ZodType<JsonValue> = z.custom<JsonValue>((value) => isJsonValue(value), {
  message: `must be JSON (null, booleans, finite numbers, strings, arrays, plain objects; at most ${String(MAX_JSON_DEPTH)} levels deep)`,
});

export const JsonObjectSchema = z.record(z.string(), JsonValueSchema);
