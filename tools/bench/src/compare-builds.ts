import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchResult, BenchSettings } from './bench-result.js';
import type { BenchSide } from './bench-side.js';
import { measureRequests } from './measure-requests.js';
import { switchyardMemorySide } from './sides/switchyard-memory-side.js';

/** Where another checkout's build keeps the memory suite's Switchyard side. */
const SIDE_MODULE = join('tools', 'bench', 'dist', 'sides', 'switchyard-memory-side.js');
const LEVELS = [1, 64] as const;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Why `checkout` cannot be compared against (no built bench there), or undefined when it can. */
export async function unbuiltCheckout(checkout: string): Promise<string | undefined> {
  try {
    await access(resolve(checkout, SIDE_MODULE));
    return undefined;
  } catch {
    return `--against ${checkout}: no built bench there (${SIDE_MODULE}); build it first: (cd ${checkout} && npm ci && npx nx run bench:build)`;
  }
}

/** The other checkout's side, built from its own packages (its node_modules resolve them). */
async function otherBuildSide(checkout: string): Promise<BenchSide> {
  const modulePath = pathToFileURL(resolve(checkout, SIDE_MODULE)).href;
  const loaded = (await import(modulePath)) as { switchyardMemorySide?: () => Promise<BenchSide> };
  if (typeof loaded.switchyardMemorySide !== 'function')
    throw new Error(`--against ${checkout}: ${SIDE_MODULE} has no switchyardMemorySide`);
  return loaded.switchyardMemorySide();
}

/**
 * The memory suite's Switchyard side of this build against the same side built from another
 * checkout (an older commit), both in this process, taking turns every round and swapping who
 * goes first: what the machine does meanwhile falls on both alike. Runs on separate processes
 * move by ±10–15 % here, more than most changes this is asked to judge; the median of the
 * per-round ratios moves by a few percent.
 */
export async function compareBuilds(checkout: string, settings: BenchSettings): Promise<BenchResult[]> {
  const plan = settings.quick
    ? { warmup: 200, calls: { 1: 100, 64: 500 }, rounds: 2 }
    : { warmup: 20_000, calls: { 1: 10_000, 64: 50_000 }, rounds: 30 };
  settings.log(`memory, this build against ${checkout}, ${String(plan.rounds)} rounds taking turns`);
  const sides: BenchSide[] = [];
  try {
    sides.push(await switchyardMemorySide(), await otherBuildSide(checkout));
    const [current, other] = sides as [BenchSide, BenchSide];
    for (const level of LEVELS) for (const side of sides) await measureRequests(() => side.call(), plan.warmup, level);
    const results: BenchResult[] = [];
    const rounds = new Map<number, { current: number[]; other: number[]; ratios: number[] }>(
      LEVELS.map((level) => [level, { current: [], other: [], ratios: [] }]),
    );
    for (let round = 0; round < plan.rounds; round++) {
      for (const level of LEVELS) {
        const order = round % 2 === 0 ? [current, other] : [other, current];
        const rates = new Map<BenchSide, number>();
        for (const side of order)
          rates.set(side, (await measureRequests(() => side.call(), plan.calls[level], level)).perSecond);
        const measured = rounds.get(level);
        const currentRate = rates.get(current) ?? Number.NaN;
        const otherRate = rates.get(other) ?? Number.NaN;
        measured?.current.push(currentRate);
        measured?.other.push(otherRate);
        measured?.ratios.push(currentRate / otherRate);
      }
    }
    for (const [level, measured] of rounds) {
      const ratios = [...measured.ratios].sort((a, b) => a - b);
      const ratio = median(ratios);
      const quartiles = `${(ratios[Math.floor(ratios.length / 4)] ?? ratio).toFixed(3)}–${(ratios[Math.floor((3 * ratios.length) / 4)] ?? ratio).toFixed(3)}`;
      settings.log(
        `  ${String(level).padStart(2)} in flight: this build ${Math.round(median(measured.current)).toLocaleString('en-US')}/s, the other ${Math.round(median(measured.other)).toLocaleString('en-US')}/s; per-round ratio median ${ratio.toFixed(3)} (quartiles ${quartiles})`,
      );
      results.push({
        name: 'memory-vs-build',
        params: { inFlight: level, against: checkout },
        value: ratio,
        unit: 'ratio',
      });
    }
    return results;
  } finally {
    for (const side of sides) await side.close();
  }
}
