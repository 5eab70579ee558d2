import type { BenchResult } from '../bench-result.js';
import { renderBarChart } from './render-bar-chart.js';
import { renderLineChart } from './render-line-chart.js';

export interface ChartFile {
  readonly file: string;
  readonly svg: string;
}

const SYSTEMS = [
  { label: 'Switchyard', memory: 'switchyard', nats: 'switchyard' },
  { label: 'Moleculer', memory: 'moleculer-fake', nats: 'moleculer' },
  { label: 'raw NATS request/reply', memory: undefined, nats: 'raw' },
] as const;

function pick(
  results: readonly BenchResult[],
  name: string,
  params: Readonly<Record<string, string | number>>,
): number | undefined {
  return results.find(
    (result) => result.name === name && Object.entries(params).every(([key, value]) => result.params[key] === value),
  )?.value;
}

function sizesOf(results: readonly BenchResult[], name: string): number[] {
  return [
    ...new Set(results.filter((result) => result.name === name).map((result) => Number(result.params.agents))),
  ].sort((a, b) => a - b);
}

/** Side-by-side throughput (memory and NATS, 1 and 64 in flight) and latency at 1 in flight. */
function systemCharts(results: readonly BenchResult[]): ChartFile[] {
  const hasMemory = results.some((result) => result.name === 'memory-throughput');
  const hasNats = results.some((result) => result.name === 'nats-throughput');
  if (!hasMemory && !hasNats) return [];
  const transports = [...(hasMemory ? (['memory'] as const) : []), ...(hasNats ? (['nats'] as const) : [])];
  const transportLabel = { memory: 'in-process', nats: 'NATS' } as const;
  const groups = transports.flatMap((transport) => [1, 64].map((inFlight) => ({ transport, inFlight })));
  const throughput = renderBarChart({
    title: 'Throughput vs concurrency (distribute → agent → result)',
    yLabel: 'calls per second',
    xLabel: 'transport · calls in flight',
    groups: groups.map(({ transport, inFlight }) => `${transportLabel[transport]} · ${String(inFlight)}`),
    series: SYSTEMS.map((system) => ({
      name: system.label,
      values: groups.map(({ transport, inFlight }) => {
        const name = system[transport];
        return name === undefined ? undefined : pick(results, `${transport}-throughput`, { system: name, inFlight });
      }),
    })),
  });
  const latency = renderBarChart({
    title: 'Switchyard vs Moleculer vs raw NATS: latency p50, 1 in flight',
    yLabel: 'microseconds (lower is better)',
    xLabel: 'transport',
    groups: transports.map((transport) => transportLabel[transport]),
    series: SYSTEMS.map((system) => ({
      name: system.label,
      values: transports.map((transport) => {
        const name = system[transport];
        return name === undefined
          ? undefined
          : pick(results, `${transport}-latency-p50`, { system: name, inFlight: 1 });
      }),
    })),
  });
  return [
    { file: 'throughput-vs-concurrency.svg', svg: throughput },
    { file: 'switchyard-vs-moleculer-vs-nats.svg', svg: latency },
  ];
}

/** Nanoseconds per decision and RSS against fleet size, from the scale suite (else the strategies suite). */
function fleetCharts(results: readonly BenchResult[]): ChartFile[] {
  const source = results.some((result) => result.name === 'scale-decisions') ? 'scale-decisions' : 'strategy-decisions';
  const charts: ChartFile[] = [];
  const strategies = [
    ...new Set(results.filter((result) => result.name === source).map((result) => String(result.params.strategy))),
  ];
  if (strategies.length > 0) {
    const sizes = sizesOf(results, source);
    charts.push({
      file: 'decision-cost-vs-fleet-size.svg',
      svg: renderLineChart({
        title: 'Decision cost vs fleet size',
        xLabel: 'registered agents (all of them candidates)',
        yLabel: 'nanoseconds per decision',
        xLog: true,
        series: strategies.map((strategy) => ({
          name: strategy,
          points: sizes.flatMap((agents) => {
            const perSecond = pick(results, source, { strategy, agents });
            return perSecond === undefined || perSecond <= 0 ? [] : [[agents, 1e9 / perSecond] as const];
          }),
        })),
      }),
    });
  }
  const rssSizes = sizesOf(results, 'scale-rss');
  if (rssSizes.length > 0) {
    charts.push({
      file: 'memory-vs-fleet-size.svg',
      svg: renderLineChart({
        title: 'Memory vs fleet size (fresh process per size)',
        xLabel: 'registered agents',
        yLabel: 'MiB',
        xLog: true,
        series: [
          {
            name: 'RSS',
            points: rssSizes.flatMap((agents) => {
              const value = pick(results, 'scale-rss', { agents });
              return value === undefined ? [] : [[agents, value] as const];
            }),
          },
          {
            name: 'JS heap used',
            points: rssSizes.flatMap((agents) => {
              const value = pick(results, 'scale-heap', { agents });
              return value === undefined ? [] : [[agents, value] as const];
            }),
          },
        ],
      }),
    });
  }
  return charts;
}

/** Goodput and mean latency of each strategy next to the oracle's, from the learning suite. */
function learningCharts(results: readonly BenchResult[]): ChartFile[] {
  const strategies = [
    ...new Set(
      results.filter((result) => result.name === 'learning-goodput').map((result) => String(result.params.strategy)),
    ),
  ];
  if (strategies.length === 0) return [];
  const goodput = renderBarChart({
    title: 'Learned distribution: goodput and latency',
    yLabel: 'tasks/s (simulated time) · ms',
    xLabel: 'strategy',
    groups: strategies,
    series: [
      {
        name: 'goodput, tasks/s',
        values: strategies.map((strategy) => pick(results, 'learning-goodput', { strategy })),
      },
      {
        name: 'mean latency, ms',
        values: strategies.map((strategy) => pick(results, 'learning-latency-mean', { strategy })),
      },
    ],
  });
  return [{ file: 'learning-goodput.svg', svg: goodput }];
}

/** The charts docs/benchmarks.md shows, for whichever suites the results came from. */
export function benchmarkCharts(results: readonly BenchResult[]): ChartFile[] {
  return [...systemCharts(results), ...fleetCharts(results), ...learningCharts(results)];
}
