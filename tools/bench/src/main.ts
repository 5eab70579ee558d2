#!/usr/bin/env node
import 'reflect-metadata';
import { cpus, totalmem } from 'node:os';
import type { BenchResult, BenchSettings } from './bench-result.js';
import { runNatsSuite } from './suites/nats-suite.js';
import { runStrategiesSuite } from './suites/strategies-suite.js';

const SUITES: Record<string, (settings: BenchSettings) => BenchResult[] | Promise<BenchResult[]>> = {
  strategies: runStrategiesSuite,
  nats: runNatsSuite,
};

function table(results: readonly BenchResult[]): string {
  const rows = results.map((result) => {
    const params = Object.entries(result.params).map(([key, value]) => `${key}=${String(value)}`).join(' ');
    const baseline = result.baseline === undefined ? '' : result.baseline.toLocaleString('en-US');
    const ratio = result.ratio === undefined ? '' : `${result.ratio.toFixed(2)}×`;
    const value = result.unit === 'ratio' ? `${result.value.toFixed(2)}×` : `${result.value.toLocaleString('en-US')} ${result.unit}`;
    return [result.name, params, value, baseline, ratio];
  });
  const headers = ['benchmark', 'params', 'value', 'baseline', 'ratio'];
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  return [headers, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** `npm run bench -- <suite...|all> [--json] [--quick]` */
export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const requested = argv.filter((argument) => !argument.startsWith('--'));
  const names = requested.length === 0 || requested.includes('all') ? Object.keys(SUITES) : requested;
  const unknown = names.filter((name) => !(name in SUITES));
  if (unknown.length > 0) {
    process.stderr.write(`unknown suite(s): ${unknown.join(', ')} (available: ${Object.keys(SUITES).join(', ')}, all)\n`);
    return 2;
  }
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  log(`machine: ${String(cpus().length)} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  const results: BenchResult[] = [];
  for (const name of names) {
    log(`suite ${name}${quick ? ' (quick)' : ''}`);
    const suite = SUITES[name];
    if (suite !== undefined) results.push(...(await suite({ quick, log })));
  }
  process.stdout.write(json ? `${JSON.stringify({ results }, null, 2)}\n` : `${table(results)}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  process.exitCode = await main(process.argv.slice(2));
}
