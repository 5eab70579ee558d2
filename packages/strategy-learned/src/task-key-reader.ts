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
  return typeof size === 'number' && size > 0 && Number.isFinite(size)
    ? Math.max(0, Math.floor(Math.log2(size)) + 1)
    : 0;
}

/** Reads the task type a task's outcomes are learned under, as the options define it: a key, and a size bucket. */
export class TaskKeyReader {
  private readonly keyPath: readonly string[];
  private readonly featurePath: readonly string[] | undefined;

  constructor(private readonly options: Pick<LearnedOptions, 'key' | 'keyPath' | 'featurePath'>) {
    this.keyPath = options.keyPath?.split('.') ?? [];
    this.featurePath = options.featurePath?.split('.');
  }

  /** The key (strings the task already holds, so reading one allocates nothing unless several capabilities must be sorted). */
  key(task: Task): string {
    const options = this.options;
    if (options.key === 'type') return task.type;
    if (options.key === 'data') {
      const value = valueAt(task.data, this.keyPath);
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
    }
    const capabilities = task.requiredCapabilities;
    // [a, b] and [b, a] are one task type, as they are one candidate pool.
    return capabilities.length <= 1 ? (capabilities[0] ?? '') : [...capabilities].sort().join('\u0001');
  }

  /** 0 without a featurePath, else the power-of-two bucket of the declared size. */
  bucket(task: Task): number {
    return this.featurePath === undefined ? 0 : sizeBucket(valueAt(task.data, this.featurePath));
  }
}
