import type { DistributionStrategy, StrategyChoice } from '@switchyard/core';
import type { AgentRecord, StrategyHost } from '@switchyard/core/internal';
import { AgentRegistry, StrategyRegistry, TaskRecord } from '@switchyard/core/internal';
import { latencyAwareStrategy } from '@switchyard/strategy-latency-aware';
import { learnedStrategy } from '@switchyard/strategy-learned';
import { powerOfTwoChoicesStrategy } from '@switchyard/strategy-p2c';
import type { BenchResult, BenchSettings } from '../bench-result.js';
import { measureRate } from '../measure-rate.js';
import { seededRandom } from '../seeded-random.js';
import { TASK_KINDS } from './learning-fleet.js';
import type { LearningOutcome, LearningSettings } from './learning-simulation.js';
import { runLearningSimulation } from './learning-simulation.js';

export const LEARNING_STRATEGIES = ['round_robin', 'load_balanced', 'latency_aware', 'p2c', 'learned'] as const;
/** The strategies that learn from outcomes: the only ones whose re-convergence after the drift means something. */
const LEARNING = new Set<string>(['latency_aware', 'learned']);
/** The strategies that do not learn from outcomes: the bar learned has to clear by 20 %. */
const NON_LEARNING = ['round_robin', 'load_balanced', 'p2c'] as const;
/** How learned tells task types apart in the simulated workload. */
export const LEARNED_BENCH_OPTIONS = { key: 'data', keyPath: 'kind', featurePath: 'cost' } as const;
const DECISION_FLEET = 10_000;
const IN_FLIGHT = 64;

function strategyRegistry(host: StrategyHost): StrategyRegistry {
  const registry = new StrategyRegistry(host);
  registry.register(powerOfTwoChoicesStrategy);
  registry.register(latencyAwareStrategy);
  registry.register(learnedStrategy, LEARNED_BENCH_OPTIONS);
  return registry;
}

/** Decisions per second of learned at `size` agents, each decision followed by the outcome hook of the oldest of 64 tasks in flight. */
function learnedDecider(size: number): () => void {
  const registry = new AgentRegistry({ maxCandidatePools: 16 });
  for (let agent = 0; agent < size; agent++)
    registry.register({ agentId: `agent-${String(agent)}`, capabilities: ['work'], priority: 0, capacity: 4 }, 0);
  const random = seededRandom(7);
  let now = 0;
  const strategy = strategyRegistry({ now: () => now, random }).resolve('learned').strategy;
  const tasks = TASK_KINDS.flatMap((kind) =>
    [1, 8].map(
      (cost) =>
        new TaskRecord(`task-${kind}-${String(cost)}`, 'job', ['work'], { kind, cost }, 'bench', 'normal', null, 0),
    ),
  );
  const window: ({ agent: AgentRecord; task: TaskRecord } | undefined)[] = new Array<
    { agent: AgentRecord; task: TaskRecord } | undefined
  >(IN_FLIGHT);
  let slot = 0;
  let decision = 0;
  return () => {
    const task = tasks[decision++ % tasks.length] ?? tasks[0];
    if (task === undefined) return;
    now++;
    const pool = registry.candidates(task.requiredCapabilities);
    const chosen = strategy.select(pool, task);
    const agent = chosen === undefined ? undefined : pool.availableRecord(chosen);
    if (agent !== undefined) registry.setLoad(agent, agent.load + 1);
    const finished = window[slot];
    if (finished !== undefined) {
      registry.setLoad(finished.agent, finished.agent.load - 1);
      const latencyMs = 50 + 100 * random();
      if (random() < 0.8) strategy.onCompleted?.({ agent: finished.agent, task: finished.task, latencyMs });
      else strategy.onFailed?.({ agent: finished.agent, task: finished.task, latencyMs, error: { message: 'bench' } });
    }
    window[slot] = agent === undefined ? undefined : { agent, task };
    slot = (slot + 1) % IN_FLIGHT;
  };
}

/** Operations per second of CPU time this process spent: what the code costs, whoever else shares the cores. */
function cpuRate(operation: () => void, count: number): number {
  for (let index = 0; index < count / 4; index++) operation();
  const started = process.cpuUsage();
  for (let index = 0; index < count; index++) operation();
  const used = process.cpuUsage(started);
  return count / ((used.user + used.system) / 1e6);
}

const format = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * Goodput, mean latency and regret of each strategy (and of an oracle that knows the agents'
 * true rates) on one simulated, seeded fleet whose best summariser degrades halfway; then the
 * decision rate of learned at 10,000 agents.
 */
export function runLearningSuite(settings: BenchSettings): BenchResult[] {
  const simulation: LearningSettings = {
    agents: 24,
    capacity: 4,
    inFlight: 48,
    tasks: settings.quick ? 6_000 : 60_000,
    seed: 20,
  };
  settings.log(
    `  ${String(simulation.agents)} agents × capacity ${String(simulation.capacity)}, ${String(simulation.inFlight)} clients in flight, ${format(simulation.tasks)} tasks, drift at task ${format(simulation.tasks / 2)} (simulated time)`,
  );
  const outcomes = new Map<string, LearningOutcome>();
  outcomes.set('oracle', runLearningSimulation(simulation, 'oracle'));
  for (const name of LEARNING_STRATEGIES) {
    outcomes.set(
      name,
      runLearningSimulation(
        simulation,
        (host): DistributionStrategy<StrategyChoice> => strategyRegistry(host).resolve(name).strategy,
      ),
    );
  }
  const oracle = outcomes.get('oracle')?.goodput ?? Number.NaN;
  const results: BenchResult[] = [];
  for (const [name, outcome] of outcomes) {
    const reconvergence = !LEARNING.has(name)
      ? ''
      : `  re-converged after ${outcome.reconvergenceTasks === undefined ? 'never' : `${format(outcome.reconvergenceTasks)} tasks`}`;
    settings.log(
      `  ${name.padEnd(14)} goodput ${format(outcome.goodput, 1).padStart(7)} tasks/s (${format((100 * outcome.goodput) / oracle, 1)} % of oracle)  mean latency ${format(outcome.meanLatencyMs, 1).padStart(6)} ms  regret ${format(100 * outcome.regret, 1).padStart(5)} %${reconvergence}`,
    );
    const params = { strategy: name, agents: simulation.agents };
    const goodput = Math.round(outcome.goodput * 10) / 10;
    results.push(
      name === 'oracle'
        ? { name: 'learning-goodput', params, value: goodput, unit: 'tasks/s' }
        : {
            name: 'learning-goodput',
            params,
            value: goodput,
            unit: 'tasks/s',
            baseline: Math.round(oracle * 10) / 10,
            ratio: outcome.goodput / oracle,
          },
    );
    results.push({
      name: 'learning-latency-mean',
      params,
      value: Math.round(outcome.meanLatencyMs * 10) / 10,
      unit: 'ms',
    });
    if (name !== 'oracle')
      results.push({ name: 'learning-regret', params, value: Math.round(outcome.regret * 1000) / 10, unit: '%' });
    if (LEARNING.has(name) && outcome.reconvergenceTasks !== undefined)
      results.push({ name: 'learning-reconvergence', params, value: outcome.reconvergenceTasks, unit: 'tasks' });
  }
  const learned = outcomes.get('learned')?.goodput ?? Number.NaN;
  const bestFixed = Math.max(...NON_LEARNING.map((name) => outcomes.get(name)?.goodput ?? 0));
  settings.log(
    `  learned: ${format((100 * learned) / oracle, 1)} % of the oracle's goodput, ${format(learned / bestFixed, 2)}× the best non-learning strategy`,
  );
  results.push({
    name: 'learning-vs-best-non-learning',
    params: { strategy: 'learned' },
    value: learned / bestFixed,
    unit: 'ratio',
    baseline: Math.round(bestFixed * 10) / 10,
    ratio: learned / bestFixed,
  });
  const timing = settings.quick
    ? { warmupMs: 20, durationMs: 50, repeats: 1 }
    : { warmupMs: 300, durationMs: 500, repeats: 5 };
  const decisions = measureRate(learnedDecider(DECISION_FLEET), timing);
  const decisionsPerCpuSecond = cpuRate(learnedDecider(DECISION_FLEET), settings.quick ? 20_000 : 400_000);
  settings.log(
    `  learned at ${format(DECISION_FLEET)} agents: ${format(decisions)} decisions/s, ${format(decisionsPerCpuSecond)} per second of CPU time (each with one outcome hook)`,
  );
  results.push({
    name: 'learning-decisions',
    params: { strategy: 'learned', agents: DECISION_FLEET },
    value: Math.round(decisions),
    unit: 'decisions/s',
  });
  results.push({
    name: 'learning-decisions-cpu',
    params: { strategy: 'learned', agents: DECISION_FLEET },
    value: Math.round(decisionsPerCpuSecond),
    unit: 'decisions/CPU-s',
  });
  return results;
}
