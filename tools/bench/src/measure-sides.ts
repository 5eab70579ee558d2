import type { BenchSide } from './bench-side.js';
import type { RequestMeasurement } from './measure-requests.js';
import { measureRequests } from './measure-requests.js';

export interface SidesPlan {
  /** Calls made once per side before anything is timed, so the JIT has compiled the hot path. */
  readonly warmup: number;
  /** Calls timed at each concurrency level, per round. */
  readonly calls: Readonly<Record<number, number>>;
  /** Rounds; each side's median round is reported. Sides take turns within a round. */
  readonly rounds: number;
}

/** Per side and concurrency level: the round with the median throughput. */
export type SideMeasurements = Map<string, Map<number, RequestMeasurement>>;

function median(measurements: readonly RequestMeasurement[]): RequestMeasurement {
  const sorted = [...measurements].sort((a, b) => a.perSecond - b.perSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('no measurement to take the median of');
  return middle;
}

/**
 * Measures every side at every concurrency level. Sides take turns round by round, so noise
 * from the rest of the machine falls on all of them alike instead of on whichever ran last.
 */
export async function measureSides(
  sides: readonly BenchSide[],
  plan: SidesPlan,
  log: (line: string) => void,
): Promise<SideMeasurements> {
  const levels = Object.keys(plan.calls).map(Number);
  const rounds = new Map(
    sides.map((side) => [side.system, new Map(levels.map((level) => [level, [] as RequestMeasurement[]]))]),
  );
  for (const side of sides) await measureRequests(() => side.call(), plan.warmup, Math.max(...levels));
  for (let round = 0; round < plan.rounds; round++) {
    for (const side of sides) {
      for (const level of levels) {
        const measurement = await measureRequests(() => side.call(), plan.calls[level] ?? 0, level);
        rounds.get(side.system)?.get(level)?.push(measurement);
      }
    }
  }
  const result: SideMeasurements = new Map();
  for (const [system, byLevel] of rounds) {
    const medians = new Map([...byLevel].map(([level, measurements]) => [level, median(measurements)]));
    result.set(system, medians);
    const summary = [...medians]
      .map(
        ([level, m]) =>
          `${String(level)} in flight ${Math.round(m.perSecond).toLocaleString('en-US')}/s p50 ${m.latency.p50.toFixed(0)} µs`,
      )
      .join(' · ');
    log(`  ${system.padEnd(16)} ${summary}`);
  }
  return result;
}
