import type { BenchResult, BenchSettings } from './bench-result.js';
import { runMemorySuite } from './suites/memory-suite.js';
import { moleculerRatios } from './suites/moleculer-suite.js';
import { runNatsSuite } from './suites/nats-suite.js';
import { runLearningSuite } from './suites/learning-suite.js';
import { runScaleSuite } from './suites/scale-suite.js';
import { runStrategiesSuite } from './suites/strategies-suite.js';

interface Suite {
  /** Suites whose results this one is computed from; they run first (once, however many need them). */
  readonly needs: readonly SuiteName[];
  readonly run: (settings: BenchSettings, needed: readonly BenchResult[]) => BenchResult[] | Promise<BenchResult[]>;
}

export const SUITE_NAMES = ['strategies', 'memory', 'nats', 'moleculer', 'scale', 'learning'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

const SUITES: Record<SuiteName, Suite> = {
  strategies: { needs: [], run: runStrategiesSuite },
  memory: { needs: [], run: runMemorySuite },
  nats: { needs: [], run: runNatsSuite },
  moleculer: { needs: ['memory', 'nats'], run: (_settings, needed) => moleculerRatios(needed) },
  scale: { needs: [], run: runScaleSuite },
  learning: { needs: [], run: runLearningSuite },
};

export function isSuiteName(name: string): name is SuiteName {
  return (SUITE_NAMES as readonly string[]).includes(name);
}

/** Runs the suites asked for, and those they need, each once, in the order of SUITE_NAMES. */
export async function runSuites(requested: readonly SuiteName[], settings: BenchSettings): Promise<BenchResult[]> {
  const wanted = new Set<SuiteName>();
  const want = (name: SuiteName): void => {
    for (const need of SUITES[name].needs) want(need);
    wanted.add(name);
  };
  for (const name of requested) want(name);
  const bySuite = new Map<SuiteName, BenchResult[]>();
  for (const name of SUITE_NAMES.filter((each) => wanted.has(each))) {
    settings.log(`suite ${name}${settings.quick ? ' (quick)' : ''}`);
    const suite = SUITES[name];
    const needed = suite.needs.flatMap((need) => bySuite.get(need) ?? []);
    bySuite.set(name, await suite.run(settings, needed));
  }
  return [...bySuite.values()].flat();
}
