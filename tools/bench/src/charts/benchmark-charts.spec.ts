import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../bench-result.js';
import { benchmarkCharts } from './benchmark-charts.js';
import { renderBarChart } from './render-bar-chart.js';
import { renderLineChart } from './render-line-chart.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

/** Well-formed XML whose root is an svg element in the SVG namespace; returns the parsed root. */
function parseSvg(svg: string): Record<string, unknown> {
  expect(SyntaxValidator.validate(svg)).toBe(true);
  const document = parser.parse(svg) as { svg?: Record<string, unknown> };
  expect(document.svg).toBeDefined();
  expect(document.svg?.xmlns).toBe('http://www.w3.org/2000/svg');
  return document.svg ?? {};
}

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('SVG charts', () => {
  it('draws a grouped bar chart as well-formed SVG with one bar per measured value, escaping every label', () => {
    const svg = renderBarChart({
      title: 'Throughput <calls> & "latency"',
      yLabel: 'calls/s',
      groups: ['1 in flight', '64 in flight'],
      series: [
        { name: 'Switchyard', values: [1_000, 250_000] },
        { name: "O'Moleculer", values: [900, undefined] },
      ],
    });
    const root = parseSvg(svg);
    expect(asList(root.rect)).toHaveLength(1 + 3 + 2);
    expect(svg).toContain('Throughput &lt;calls&gt; &amp; &quot;latency&quot;');
    expect(svg).toContain('O&apos;Moleculer');
    expect(svg).toContain('250k');
  });

  it('draws a line chart with a path per series and a marker per point, on a log x axis', () => {
    const svg = renderLineChart({
      title: 'Decision cost',
      xLabel: 'agents',
      yLabel: 'ns',
      xLog: true,
      series: [
        {
          name: 'round_robin',
          points: [
            [1_000, 50],
            [10_000, 60],
            [1_000_000, 90],
          ],
        },
        {
          name: 'load_balanced',
          points: [
            [1_000, 150],
            [1_000_000, 400],
          ],
        },
      ],
    });
    const root = parseSvg(svg);
    expect(asList(root.path)).toHaveLength(2);
    expect(asList(root.circle)).toHaveLength(5);
    expect(svg).toContain('>1M<');
  });

  it('makes the charts the docs show from whichever suites produced results', () => {
    const results: BenchResult[] = [
      { name: 'memory-throughput', params: { system: 'switchyard', inFlight: 64 }, value: 300_000, unit: 'calls/s' },
      {
        name: 'memory-throughput',
        params: { system: 'moleculer-fake', inFlight: 64 },
        value: 100_000,
        unit: 'calls/s',
      },
      { name: 'memory-latency-p50', params: { system: 'switchyard', inFlight: 1 }, value: 5, unit: 'µs' },
      { name: 'scale-decisions', params: { strategy: 'round_robin', agents: 1_000 }, value: 1e7, unit: 'decisions/s' },
      {
        name: 'scale-decisions',
        params: { strategy: 'round_robin', agents: 100_000 },
        value: 5e6,
        unit: 'decisions/s',
      },
      { name: 'scale-rss', params: { agents: 1_000 }, value: 60, unit: 'MiB' },
      { name: 'scale-heap', params: { agents: 1_000 }, value: 10, unit: 'MiB' },
    ];
    const charts = benchmarkCharts(results);
    expect(charts.map((chart) => chart.file)).toEqual([
      'throughput-vs-concurrency.svg',
      'switchyard-vs-moleculer-vs-nats.svg',
      'decision-cost-vs-fleet-size.svg',
      'memory-vs-fleet-size.svg',
    ]);
    for (const chart of charts) parseSvg(chart.svg);
    expect(benchmarkCharts([])).toEqual([]);
  });
});
