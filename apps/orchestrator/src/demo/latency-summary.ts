export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

/** Nearest-rank percentiles of the samples (ms). */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: 0, p99: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (quantile: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99) };
}
