import type { AgentRecord } from '@switchyard/core/internal';
import { AgentRegistry, StrategyRegistry, TaskRecord } from '@switchyard/core/internal';
import type { BenchResult, BenchSettings } from '../bench-result.js';
import { measureRate } from '../measure-rate.js';
import type { NaiveAgent } from './naive-selection.js';
import { NaiveSelection } from './naive-selection.js';
import { fleetAgents } from './fleet-agents.js';
import { weightedSampleStrategy } from './weighted-sample-strategy.js';

export const STRATEGIES = ['capability_match', 'round_robin', 'load_balanced', 'priority_based'] as const;
const REQUIRED = ['work'];
/** Tasks kept in flight: each decision assigns one and the oldest one completes. */
const IN_FLIGHT = 64;

export interface Fleet {
  readonly registry: AgentRegistry;
  readonly naive: NaiveAgent[];
}

/** Skewed weights: one agent in a hundred has priority 1,000, the others 1 (nine tenths of the weight on 1 % of the fleet). */
const skewedPriority = (index: number): number => (index % 100 === 0 ? 1_000 : 1);

/** The fleet of fleetAgents(size), in the registry and as the naive baseline keeps it (`skewed`: priorities of skewedPriority). */
export function buildFleet(size: number, skewed = false): Fleet {
  const registry = new AgentRegistry({ maxCandidatePools: 4096 });
  const naive: NaiveAgent[] = [];
  let index = 0;
  for (const { agentId, capabilities, priority: plain, capacity, load } of fleetAgents(size)) {
    const priority = skewed ? skewedPriority(index++) : plain;
    const { agent } = registry.register({ agentId, capabilities, priority, capacity }, 0);
    registry.setLoad(agent, load);
    naive.push({
      id: agent.id,
      capabilities: new Set(capabilities),
      priority,
      capacity,
      sequence: agent.sequence,
      load,
    });
  }
  return { registry, naive };
}

function benchTask(): TaskRecord {
  return new TaskRecord('bench-task', 'bench', REQUIRED, null, 'bench', 'normal', null, 0);
}

/** The built-ins and the weighted-sample plugin, as an orchestrator would register them. */
function benchStrategies(): StrategyRegistry {
  const registry = new StrategyRegistry({ now: () => 0, seed: 1 });
  registry.register(weightedSampleStrategy);
  return registry;
}

/** One decision the indexed way, plus the load bookkeeping an assignment and a completion cause. */
export function indexedDecider(fleet: Pick<Fleet, 'registry'>, strategyName: string): () => string | undefined {
  const strategy = benchStrategies().resolve(strategyName).strategy;
  const task = benchTask();
  const window: (AgentRecord | undefined)[] = new Array<AgentRecord | undefined>(IN_FLIGHT);
  let slot = 0;
  return () => {
    const pool = fleet.registry.candidates(task.requiredCapabilities);
    const chosen = strategy.select(pool, task);
    const agent = chosen === undefined ? undefined : pool.availableRecord(chosen);
    if (agent !== undefined) fleet.registry.setLoad(agent, agent.load + 1);
    const finished = window[slot];
    if (finished !== undefined) fleet.registry.setLoad(finished, finished.load - 1);
    window[slot] = agent;
    slot = (slot + 1) % IN_FLIGHT;
    return agent?.id;
  };
}

/** A weighted pick without an index: sum the available agents' priorities, draw, scan to the draw. */
function naiveWeightedPick(agents: readonly NaiveAgent[], random: () => number): NaiveAgent | undefined {
  let total = 0;
  for (const agent of agents) if (agent.load < agent.capacity && agent.priority > 0) total += agent.priority;
  let point = random() * total;
  for (const agent of agents) {
    if (agent.load >= agent.capacity || agent.priority <= 0) continue;
    point -= agent.priority;
    if (point < 0) return agent;
  }
  return undefined;
}

/** The same decision and bookkeeping the naive way. */
export function naiveDecider(fleet: Fleet, strategyName: string): () => string | undefined {
  const naive = new NaiveSelection(fleet.naive);
  const random = Math.random;
  const window: (NaiveAgent | undefined)[] = new Array<NaiveAgent | undefined>(IN_FLIGHT);
  let slot = 0;
  return () => {
    const agent =
      strategyName === weightedSampleStrategy.name
        ? naiveWeightedPick(fleet.naive, random)
        : naive.select(strategyName, REQUIRED);
    if (agent !== undefined) agent.load++;
    const finished = window[slot];
    if (finished !== undefined) finished.load--;
    window[slot] = agent;
    slot = (slot + 1) % IN_FLIGHT;
    return agent?.id;
  };
}

/**
 * Decisions per second for each built-in strategy at growing fleet sizes, next to a naive
 * full-scan selection measured in the same run.
 */
export function runStrategiesSuite(settings: BenchSettings): BenchResult[] {
  const sizes = settings.quick ? [100, 1_000] : [100, 1_000, 10_000, 100_000];
  const timing = settings.quick
    ? { warmupMs: 10, durationMs: 20, repeats: 1 }
    : { warmupMs: 150, durationMs: 250, repeats: 3 };
  const results: BenchResult[] = [];
  for (const strategy of STRATEGIES) {
    for (const size of sizes) {
      // Fresh fleets for each side, so both start from the same loads.
      const indexed = measureRate(indexedDecider(buildFleet(size), strategy), timing);
      const naive = measureRate(naiveDecider(buildFleet(size), strategy), timing);
      settings.log(
        `  ${strategy.padEnd(16)} ${String(size).padStart(7)} agents  ${Math.round(indexed).toLocaleString('en-US').padStart(12)} decisions/s  (naive scan ${Math.round(naive).toLocaleString('en-US')})`,
      );
      results.push({
        name: 'strategy-decisions',
        params: { strategy, agents: size },
        value: Math.round(indexed),
        unit: 'decisions/s',
        baseline: Math.round(naive),
        ratio: indexed / naive,
      });
    }
  }
  // A plugin's weighted pick (sampleByWeight) with skewed priorities, up to 100,000 agents even when quick: that size is the claim.
  const strategy = weightedSampleStrategy.name;
  for (const size of settings.quick ? [1_000, 100_000] : [1_000, 10_000, 100_000]) {
    const indexed = measureRate(indexedDecider(buildFleet(size, true), strategy), timing);
    const naive = measureRate(naiveDecider(buildFleet(size, true), strategy), timing);
    settings.log(
      `  ${strategy.padEnd(16)} ${String(size).padStart(7)} agents  ${Math.round(indexed).toLocaleString('en-US').padStart(12)} decisions/s  (naive scan ${Math.round(naive).toLocaleString('en-US')}; skewed priorities)`,
    );
    results.push({
      name: 'strategy-decisions',
      params: { strategy, agents: size, weights: 'skewed' },
      value: Math.round(indexed),
      unit: 'decisions/s',
      baseline: Math.round(naive),
      ratio: indexed / naive,
    });
  }
  return results;
}
