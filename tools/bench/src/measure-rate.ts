export interface RateSettings {
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly repeats: number;
}

/**
 * Operations per second of `operation`, called in batches so the clock is read rarely; the
 * median of `repeats` timed runs after a warm-up (so the JIT has compiled the hot path).
 */
export function measureRate(operation: () => void, settings: RateSettings): number {
  const batch = 64;
  const run = (ms: number): number => {
    let operations = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (let index = 0; index < batch; index++) operation();
      operations += batch;
      elapsed = performance.now() - started;
    }
    return (operations * 1000) / elapsed;
  };
  run(settings.warmupMs);
  const rates = Array.from({ length: settings.repeats }, () => run(settings.durationMs)).sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0;
}
