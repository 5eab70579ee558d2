import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchResult, BenchSettings } from '../bench-result.js';
import type { ScaleProbeOutput } from '../scale-probe.js';
import { STRATEGIES } from './strategies-suite.js';

/** The probe runs as compiled JavaScript, whether this module runs from src (tests) or dist. */
const probe = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'scale-probe.js');
const MIB = 1024 * 1024;

async function runProbe(agents: number, quick: boolean): Promise<ScaleProbeOutput> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', probe, String(agents), ...(quick ? ['quick'] : [])],
    { maxBuffer: MIB },
  );
  return JSON.parse(stdout) as ScaleProbeOutput;
}

/**
 * Fleet size against decision cost and memory: each size in a fresh process (so RSS is that
 * fleet's alone), every built-in strategy's decisions/s, and RSS with all their indexes built.
 */
export async function runScaleSuite(settings: BenchSettings): Promise<BenchResult[]> {
  const sizes = settings.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000, 1_000_000];
  const results: BenchResult[] = [];
  for (const agents of sizes) {
    const output = await runProbe(agents, settings.quick);
    // What the registry itself holds per agent: heap and ArrayBuffers after a full GC. RSS growth
    // is no measure of that for small fleets, where V8's young generation moves RSS by more.
    const perAgent = (output.heap - output.emptyHeap + output.arrayBuffers - output.emptyArrayBuffers) / agents;
    settings.log(
      `  ${agents.toLocaleString('en-US').padStart(9)} agents  RSS ${(output.rss / MIB).toFixed(1)} MiB (${perAgent.toFixed(0)} B/agent of heap and ArrayBuffers; JS heap ${(output.heap / MIB).toFixed(1)} MiB, ArrayBuffers ${(output.arrayBuffers / MIB).toFixed(1)} MiB)  ` +
        STRATEGIES.map(
          (strategy) => `${strategy} ${(output.decisionsPerSecond[strategy] ?? 0).toLocaleString('en-US')}/s`,
        ).join(' · '),
    );
    results.push(
      {
        name: 'scale-rss',
        params: { agents },
        value: Math.round((output.rss / MIB) * 10) / 10,
        unit: 'MiB',
        baseline: Math.round((output.emptyRss / MIB) * 10) / 10,
        ratio: output.rss / output.emptyRss,
      },
      { name: 'scale-heap', params: { agents }, value: Math.round((output.heap / MIB) * 10) / 10, unit: 'MiB' },
      {
        name: 'scale-array-buffers',
        params: { agents },
        value: Math.round((output.arrayBuffers / MIB) * 10) / 10,
        unit: 'MiB',
      },
      { name: 'scale-bytes-per-agent', params: { agents }, value: Math.round(perAgent), unit: 'B' },
    );
    for (const strategy of STRATEGIES) {
      results.push({
        name: 'scale-decisions',
        params: { strategy, agents },
        value: output.decisionsPerSecond[strategy] ?? 0,
        unit: 'decisions/s',
      });
    }
  }
  return results;
}
