// One fleet size per process, so its RSS is that fleet's alone: registers N agents, measures
// decisions/s for every built-in strategy (which builds every index a pool can have), then
// prints the measurements as one JSON line. Run with --expose-gc.
import { AgentRegistry } from '@switchyard/core/internal';
import { measureRate } from './measure-rate.js';
import { fleetAgents } from './suites/fleet-agents.js';
import { indexedDecider, STRATEGIES } from './suites/strategies-suite.js';

export interface ScaleProbeOutput {
  readonly agents: number;
  /** RSS, heap and ArrayBuffer memory before any agent was registered, in bytes. */
  readonly emptyRss: number;
  readonly emptyHeap: number;
  readonly emptyArrayBuffers: number;
  /** RSS and heap with the fleet registered and every strategy's index built, in bytes. */
  readonly rss: number;
  readonly heap: number;
  /** ArrayBuffer memory (outside the JS heap, inside RSS) with the fleet registered, in bytes. */
  readonly arrayBuffers: number;
  readonly registerSeconds: number;
  readonly decisionsPerSecond: Record<string, number>;
}

const [sizeArgument, quickArgument] = process.argv.slice(2);
const size = Number(sizeArgument);
if (!Number.isInteger(size) || size < 0) throw new Error('usage: scale-probe AGENTS [quick]');
const collect = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run scale-probe with --expose-gc');
  gc();
  gc();
};

collect();
const empty = process.memoryUsage();
const started = performance.now();
const registry = new AgentRegistry({ maxCandidatePools: 4096 });
for (const { agentId, capabilities, priority, capacity, load } of fleetAgents(size)) {
  // A real clock: its timestamps are not small integers, so they cost what they cost in production.
  const { agent } = registry.register({ agentId, capabilities, priority, capacity }, Date.now());
  registry.setLoad(agent, load);
}
const registerSeconds = (performance.now() - started) / 1000;
const timing =
  quickArgument === 'quick'
    ? { warmupMs: 10, durationMs: 20, repeats: 1 }
    : { warmupMs: 150, durationMs: 250, repeats: 3 };
const decisionsPerSecond: Record<string, number> = {};
for (const strategy of STRATEGIES)
  decisionsPerSecond[strategy] = Math.round(measureRate(indexedDecider({ registry }, strategy), timing));
collect();
const full = process.memoryUsage();
const output: ScaleProbeOutput = {
  agents: registry.size,
  emptyRss: empty.rss,
  emptyHeap: empty.heapUsed,
  emptyArrayBuffers: empty.arrayBuffers,
  rss: full.rss,
  heap: full.heapUsed,
  arrayBuffers: full.arrayBuffers,
  registerSeconds,
  decisionsPerSecond,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
