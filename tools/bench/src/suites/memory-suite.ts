import type { BenchResult, BenchSettings } from '../bench-result.js';
import type { BenchSide } from '../bench-side.js';
import { measureSides } from '../measure-sides.js';
import { moleculerFakeSide } from '../sides/moleculer-fake-side.js';
import { switchyardMemorySide } from '../sides/switchyard-memory-side.js';
import { sideResults } from './side-results.js';

export const MEMORY_BASELINE = 'moleculer-fake';

/**
 * distribute → agent → result in one process: Switchyard over its in-memory transport next to
 * Moleculer over its Fake transporter, two workers each, at 1 and 64 calls in flight.
 */
export async function runMemorySuite(settings: BenchSettings): Promise<BenchResult[]> {
  const plan = settings.quick
    ? { warmup: 200, calls: { 1: 200, 64: 1_000 }, rounds: 1 }
    : { warmup: 20_000, calls: { 1: 20_000, 64: 100_000 }, rounds: 5 };
  const sides: BenchSide[] = [];
  try {
    sides.push(await switchyardMemorySide(), await moleculerFakeSide());
    const measured = await measureSides(sides, plan, settings.log);
    return sideResults('memory', measured, MEMORY_BASELINE);
  } finally {
    for (const side of sides) await side.close();
  }
}
