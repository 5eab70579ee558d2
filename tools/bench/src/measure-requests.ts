import { summarizeSamples } from './summarize-samples.js';
import type { SampleSummary } from './summarize-samples.js';

export interface RequestMeasurement {
  readonly perSecond: number;
  readonly latency: SampleSummary;
}

/** Runs `count` calls of `call` with `inFlight` running at once; latency per call in µs. */
export async function measureRequests(
  call: () => Promise<unknown>,
  count: number,
  inFlight: number,
): Promise<RequestMeasurement> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      const callStarted = performance.now();
      await call();
      latencies.push((performance.now() - callStarted) * 1000);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: count / seconds, latency: summarizeSamples(latencies) };
}
