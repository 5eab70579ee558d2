import type { BenchResult } from '../bench-result.js';
import type { SideMeasurements } from '../measure-sides.js';

/**
 * Turns side-by-side measurements into results: `<prefix>-throughput` and
 * `<prefix>-latency-p50` / `-p99` per system and concurrency, each next to the baseline
 * system's number at the same concurrency (the baseline's own entries carry no ratio).
 */
export function sideResults(prefix: string, measured: SideMeasurements, baselineSystem: string): BenchResult[] {
  const baseline = measured.get(baselineSystem);
  const results: BenchResult[] = [];
  const metrics = [
    { name: 'throughput', unit: 'calls/s', read: (m: { perSecond: number }) => m.perSecond },
    { name: 'latency-p50', unit: 'µs', read: (m: { latency: { p50: number } }) => m.latency.p50 },
    { name: 'latency-p99', unit: 'µs', read: (m: { latency: { p99: number } }) => m.latency.p99 },
  ] as const;
  for (const metric of metrics) {
    for (const [system, byLevel] of measured) {
      for (const [inFlight, measurement] of byLevel) {
        const value = metric.read(measurement);
        const base = system === baselineSystem ? undefined : baseline?.get(inFlight);
        const baseValue = base === undefined ? undefined : metric.read(base);
        results.push({
          name: `${prefix}-${metric.name}`,
          params: { system, inFlight },
          value: Math.round(value),
          unit: metric.unit,
          ...(baseValue === undefined ? {} : { baseline: Math.round(baseValue), ratio: value / baseValue }),
        });
      }
    }
  }
  return results;
}
