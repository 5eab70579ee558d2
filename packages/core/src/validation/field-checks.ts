import type { MessagePriority } from '../models/message-priority.js';
import { identifierShapes } from './identifier-shapes.js';
import { LIMITS } from '../models/limits.js';

const PRIORITIES: ReadonlySet<unknown> = new Set<MessagePriority>(['low', 'normal', 'high', 'critical']);
const MAX_CAPABILITIES = LIMITS.capabilities;

/**
 * Building blocks of the hand-written fast paths beside the zod schemas. Each is at least as
 * strict as the zod check it stands for (a string's length here counts UTF-16 units, zod's
 * counts characters; only plain objects pass), so a value they accept zod accepts too.
 */
export const fieldChecks = {
  /** A plain object (from JSON.parse or an object literal), no array, no class instance. */
  isPlainRecord(value: unknown): value is Record<string, unknown> {
    if (typeof value !== 'object' || value === null) return false;
    const prototype = Object.getPrototypeOf(value) as unknown;
    return prototype === Object.prototype || prototype === null;
  },

  /** Every enumerable key, own or inherited, is one of `allowed` (what a zod strictObject demands). */
  hasOnlyKeys(record: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
    for (const key in record) if (!allowed.has(key)) return false;
    return true;
  },

  isString(value: unknown, min: number, max: number): value is string {
    return typeof value === 'string' && value.length >= min && value.length <= max;
  },

  matches(value: unknown, pattern: RegExp): value is string {
    return typeof value === 'string' && pattern.test(value);
  },

  isAddress: identifierShapes.isAddress,
  isAgentId: identifierShapes.isAgentId,
  isTaskId: identifierShapes.isTaskId,

  isPositiveInteger(value: unknown): value is number {
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
  },

  isNonNegativeNumber(value: unknown): value is number {
    return typeof value === 'number' && Number.isFinite(value) && value >= 0;
  },

  isPriority(value: unknown): value is MessagePriority {
    return PRIORITIES.has(value);
  },

  /** A valid capability list that CapabilityListSchema would output unchanged: no duplicates. */
  isCapabilityList(value: unknown): value is string[] {
    if (!Array.isArray(value) || value.length > MAX_CAPABILITIES) return false;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (!identifierShapes.isCapability(item) || value.indexOf(item) !== index) return false;
    }
    return true;
  },

  /** A valid capability list as CapabilityListSchema outputs it: a new array, duplicates dropped. */
  capabilityList(value: unknown): string[] | undefined {
    if (!Array.isArray(value) || value.length > MAX_CAPABILITIES) return undefined;
    const list: string[] = [];
    let duplicates = false;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (!identifierShapes.isCapability(item)) return undefined;
      if (!duplicates && list.includes(item)) duplicates = true;
      list.push(item);
    }
    return duplicates ? [...new Set(list)] : list;
  },
};
