import type { BenchResult } from '../bench-result.js';

/** Throughput at this many calls in flight makes the headline. */
export const HEADLINE_IN_FLIGHT = 64;

const COMPARISONS = [
  { name: 'memory-vs-moleculer-fake', from: 'memory-throughput', moleculer: 'moleculer-fake', goal: 3 },
  { name: 'nats-vs-moleculer-nats', from: 'nats-throughput', moleculer: 'moleculer', goal: 2 },
] as const;

function throughput(
  results: readonly BenchResult[],
  name: string,
  system: string,
  inFlight: number,
): number | undefined {
  return results.find(
    (result) => result.name === name && result.params.system === system && result.params.inFlight === inFlight,
  )?.value;
}

/**
 * The headline: Switchyard's throughput over Moleculer's, in one process (Fake transporter) and
 * over NATS, from the memory and nats suites of the same run. The goal is at 64 in flight; the
 * ratio at 1 in flight is there to show latency-bound work did not get worse for it.
 */
export function moleculerRatios(measured: readonly BenchResult[]): BenchResult[] {
  const results: BenchResult[] = [];
  for (const comparison of COMPARISONS) {
    for (const inFlight of [1, HEADLINE_IN_FLIGHT]) {
      const switchyard = throughput(measured, comparison.from, 'switchyard', inFlight);
      const moleculer = throughput(measured, comparison.from, comparison.moleculer, inFlight);
      if (switchyard === undefined || moleculer === undefined)
        throw new Error(
          `${comparison.name} needs ${comparison.from} of switchyard and ${comparison.moleculer} at ${String(inFlight)} in flight`,
        );
      results.push({
        name: comparison.name,
        params: inFlight === HEADLINE_IN_FLIGHT ? { inFlight, goal: comparison.goal } : { inFlight },
        value: switchyard / moleculer,
        unit: 'ratio',
        baseline: moleculer,
        ratio: switchyard / moleculer,
      });
    }
  }
  return results;
}
