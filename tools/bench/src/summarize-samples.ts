export interface SampleSummary {
  readonly p50: number;
  readonly p99: number;
}

/** Nearest-rank percentiles. */
export function summarizeSamples(samples: readonly number[]): SampleSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (quantile: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))] ?? 0;
  return { p50: rank(0.5), p99: rank(0.99) };
}
