#!/usr/bin/env node
import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './bench-result.js';
import { benchmarkCharts } from './charts/benchmark-charts.js';
import type { SuiteName } from './run-suites.js';
import { isSuiteName, runSuites, SUITE_NAMES } from './run-suites.js';

function table(results: readonly BenchResult[]): string {
  const rows = results.map((result) => {
    const params = Object.entries(result.params)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ');
    const baseline =
      result.baseline === undefined ? '' : result.baseline.toLocaleString('en-US', { maximumFractionDigits: 1 });
    const ratio = result.ratio === undefined ? '' : `${result.ratio.toFixed(2)}×`;
    const value =
      result.unit === 'ratio'
        ? `${result.value.toFixed(2)}×`
        : `${result.value.toLocaleString('en-US')} ${result.unit}`;
    return [result.name, params, value, baseline, ratio];
  });
  const headers = ['benchmark', 'params', 'value', 'baseline', 'ratio'];
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  return [headers, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const USAGE = `usage: npm run bench -- <${SUITE_NAMES.join('|')}|all>... [--json] [--quick] [--charts DIR]`;

/** `npm run bench -- <suite...|all> [--json] [--quick] [--charts DIR]` */
export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const chartsIndex = argv.indexOf('--charts');
  const chartsDir = chartsIndex < 0 ? undefined : argv[chartsIndex + 1];
  if (chartsIndex >= 0 && (chartsDir === undefined || chartsDir.startsWith('--'))) {
    process.stderr.write(`--charts needs a directory\n${USAGE}\n`);
    return 2;
  }
  const requested = argv.filter(
    (argument, index) => !argument.startsWith('--') && (chartsIndex < 0 || index !== chartsIndex + 1),
  );
  const names = requested.length === 0 || requested.includes('all') ? [...SUITE_NAMES] : requested;
  const unknown = names.filter((name) => !isSuiteName(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown suite(s): ${unknown.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  log(
    `machine: ${String(cpus().length)} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  const results = await runSuites(names as SuiteName[], { quick, log });
  if (chartsDir !== undefined) {
    await mkdir(chartsDir, { recursive: true });
    for (const chart of benchmarkCharts(results)) {
      await writeFile(join(chartsDir, chart.file), chart.svg);
      log(`wrote ${join(chartsDir, chart.file)}`);
    }
  }
  process.stdout.write(json ? `${JSON.stringify({ results }, null, 2)}\n` : `${table(results)}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  process.exitCode = await main(process.argv.slice(2));
}
