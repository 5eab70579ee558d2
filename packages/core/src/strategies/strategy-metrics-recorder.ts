import { ValidationError } from '../errors/validation-error.js';
import type { StrategyMetrics } from './strategy-services.js';

/** One number a strategy keeps (see StrategyRegistry.metrics). */
export interface StrategyMetricSample {
  readonly strategy: string;
  readonly name: string;
  readonly kind: 'counter' | 'gauge';
  readonly value: number;
}

const METRIC_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** A strategy's metrics handle: counters and gauges kept in memory until someone reads them. */
export class StrategyMetricsRecorder implements StrategyMetrics {
  private readonly values = new Map<string, { kind: 'counter' | 'gauge'; value: number }>();

  constructor(private readonly strategy: string) {}

  increment(name: string, by = 1): void {
    if (!Number.isFinite(by) || by < 0)
      throw ValidationError.field(
        'by',
        `must be a finite number >= 0, got ${String(by)}`,
        `metric '${name}' of strategy '${this.strategy}'`,
      );
    const entry = this.entry(name, 'counter');
    entry.value += by;
  }

  set(name: string, value: number): void {
    if (!Number.isFinite(value))
      throw ValidationError.field(
        'value',
        `must be a finite number, got ${String(value)}`,
        `metric '${name}' of strategy '${this.strategy}'`,
      );
    this.entry(name, 'gauge').value = value;
  }

  samples(): StrategyMetricSample[] {
    return [...this.values].map(([name, { kind, value }]) => ({ strategy: this.strategy, name, kind, value }));
  }

  private entry(name: string, kind: 'counter' | 'gauge'): { kind: 'counter' | 'gauge'; value: number } {
    let entry = this.values.get(name);
    if (entry === undefined) {
      if (!METRIC_NAME.test(name))
        throw ValidationError.field(
          'name',
          `'${name}' must be lower-case letters, digits and "_", starting with a letter (at most 64)`,
          `metric of strategy '${this.strategy}'`,
        );
      entry = { kind, value: 0 };
      this.values.set(name, entry);
    } else if (entry.kind !== kind) {
      throw ValidationError.field(
        'name',
        `'${name}' is a ${entry.kind}, not a ${kind}`,
        `metric of strategy '${this.strategy}'`,
      );
    }
    return entry;
  }
}
