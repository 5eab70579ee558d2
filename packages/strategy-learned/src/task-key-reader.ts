import type { JsonValue, Task } from '@switchyard/core';
import type { LearnedOptions } from './learned-options.js';

/** The value at a dotted path in taskData, if there is one. */
function valueAt(data: JsonValue, segments: readonly string[]): JsonValue | undefined {
  let value: JsonValue | undefined = data;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = value[segment];
  }
  return value;
}

/** 0 for no (or no positive) size, else 1 + floor(log2(size)): sizes within a factor of two share a bucket. */
function sizeBucket(size: JsonValue | undefined): number {
  return typeof size === 'number' && size > 0 && Number.isFinite(size) ? Math.max(0, Math.floor(Math.log2(size)) + 1) : 0;
}

/** The task type a task's outcomes are learned under, as the options define it. */
export function taskKeyReader(options: Pick<LearnedOptions, 'key' | 'keyPath' | 'featurePath'>): (task: Task) => string {
  const keyPath = options.keyPath?.split('.') ?? [];
  const featurePath = options.featurePath?.split('.');
  const baseKey = (task: Task): string => {
    if (options.key === 'type') return task.type;
    if (options.key === 'data') {
      const value = valueAt(task.data, keyPath);
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
    }
    const capabilities = task.requiredCapabilities;
    // [a, b] and [b, a] are one task type, as they are one candidate pool.
    return capabilities.length <= 1 ? (capabilities[0] ?? '') : [...capabilities].sort().join('\u0001');
  };
  if (featurePath === undefined) return baseKey;
  return (task) => `${baseKey(task)}\u0000${String(sizeBucket(valueAt(task.data, featurePath)))}`;
}
