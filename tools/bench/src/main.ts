#!/usr/bin/env node
import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './bench-result.js';
import { benchmarkCharts } from './charts/benchmark-charts.js';
import { compareBuilds, unbuiltCheckout } from './compare-builds.js';
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

const USAGE = `usage: npm run bench -- <${SUITE_NAMES.join('|')}|all>... [--json] [--quick] [--charts DIR]
       npm run bench -- memory --against CHECKOUT [--json] [--quick]   (this build against another checkout's, in one process)`;

/** The value of `--name VALUE`: undefined when absent, null when the value is missing. */
function optionValue(argv: readonly string[], name: string): string | null | undefined {
  const index = argv.indexOf(name);
  if (index < 0) return undefined;
  const value = argv[index + 1];
  return value === undefined || value.startsWith('--') ? null : value;
}

/** `npm run bench -- <suite...|all> [--json] [--quick] [--charts DIR]`, or `memory --against CHECKOUT` */
export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const chartsDir = optionValue(argv, '--charts');
  const against = optionValue(argv, '--against');
  if (chartsDir === null || against === null) {
    process.stderr.write(
      `${chartsDir === null ? '--charts needs a directory' : '--against needs a checkout'}\n${USAGE}\n`,
    );
    return 2;
  }
  const valueIndexes = new Set(
    ['--charts', '--against'].map((name) => argv.indexOf(name) + 1).filter((index) => index > 0),
  );
  const requested = argv.filter((argument, index) => !argument.startsWith('--') && !valueIndexes.has(index));
  if (against !== undefined && (requested.length !== 1 || requested[0] !== 'memory' || chartsDir !== undefined)) {
    process.stderr.write(
      `--against compares the memory suite only: npm run bench -- memory --against CHECKOUT\n${USAGE}\n`,
    );
    return 2;
  }
  const unbuilt = against === undefined ? undefined : await unbuiltCheckout(against);
  if (unbuilt !== undefined) {
    process.stderr.write(`${unbuilt}\n`);
    return 2;
  }
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
  const results =
    against === undefined
      ? await runSuites(names as SuiteName[], { quick, log })
      : await compareBuilds(against, { quick, log });
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
