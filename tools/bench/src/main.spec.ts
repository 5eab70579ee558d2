import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyntaxValidator } from 'fast-xml-validator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BenchResult } from './bench-result.js';
import { main } from './main.js';

/** Runs the command as `npm run bench -- ...` would, returning its exit code and what it printed. */
async function runMain(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

function expectWellFormed(result: BenchResult): void {
  expect(result.name).toMatch(/^[a-z0-9-]+$/);
  expect(Object.values(result.params).every((value) => typeof value === 'string' || typeof value === 'number')).toBe(
    true,
  );
  expect(Number.isFinite(result.value)).toBe(true);
  expect(result.value).toBeGreaterThan(0);
  expect(result.unit.length).toBeGreaterThan(0);
  if (result.ratio !== undefined) {
    expect(result.baseline).toBeGreaterThan(0);
    if (result.unit === 'ratio') expect(result.ratio).toBeCloseTo(result.value, 6);
    else {
      // value and baseline are rounded (to at most 0.5) for reading; the ratio r = v/b is taken from the
      // unrounded v and b, so |r·baseline − value| ≤ r·|baseline − b| + |v − value| ≤ 0.5·r + 0.5.
      const baseline = result.baseline ?? Number.NaN;
      expect(Math.abs(result.ratio * baseline - result.value)).toBeLessThanOrEqual(0.5 * result.ratio + 0.5 + 1e-9);
    }
  }
}

let chartsDir: string | undefined;

afterEach(async () => {
  if (chartsDir !== undefined) await rm(chartsDir, { recursive: true, force: true });
});

describe('npm run bench', () => {
  it('runs every suite quickly, prints one JSON document of well-formed results and writes the charts', async () => {
    chartsDir = await mkdtemp(join(tmpdir(), 'bench-charts-'));
    const { code, stdout, stderr } = await runMain(['all', '--quick', '--json', '--charts', chartsDir]);
    expect(code, stderr).toBe(0);
    const { results } = JSON.parse(stdout) as { results: BenchResult[] };
    for (const result of results) expectWellFormed(result);
    const names = new Set(results.map((result) => result.name));
    for (const name of [
      'strategy-decisions',
      'memory-throughput',
      'memory-latency-p50',
      'nats-throughput',
      'nats-latency-p50',
      'scale-rss',
      'scale-decisions',
      'learning-goodput',
      'learning-decisions',
    ])
      expect(names).toContain(name);
    const systems = (name: string): Set<unknown> =>
      new Set(results.filter((result) => result.name === name).map((result) => result.params.system));
    expect(systems('memory-throughput')).toEqual(new Set(['switchyard', 'moleculer-fake']));
    expect(systems('nats-throughput')).toEqual(new Set(['raw', 'switchyard', 'moleculer']));
    for (const headline of ['memory-vs-moleculer-fake', 'nats-vs-moleculer-nats']) {
      expect(results.filter((result) => result.name === headline).map((result) => result.params.inFlight)).toEqual([
        1, 64,
      ]);
    }
    const memoryHeadline = results.find(
      (result) => result.name === 'memory-vs-moleculer-fake' && result.params.inFlight === 64,
    );
    const switchyard = results.find(
      (result) =>
        result.name === 'memory-throughput' && result.params.system === 'switchyard' && result.params.inFlight === 64,
    );
    expect(memoryHeadline?.value).toBeCloseTo((switchyard?.value ?? 0) / (memoryHeadline?.baseline ?? 1), 6);
    expect(results.filter((result) => result.name === 'scale-rss').map((result) => result.params.agents)).toEqual([
      1_000, 10_000,
    ]);
    const files = (await readdir(chartsDir)).sort();
    expect(files).toEqual([
      'decision-cost-vs-fleet-size.svg',
      'learning-goodput.svg',
      'memory-vs-fleet-size.svg',
      'switchyard-vs-moleculer-vs-nats.svg',
      'throughput-vs-concurrency.svg',
    ]);
    for (const file of files)
      expect(SyntaxValidator.validate(await readFile(join(chartsDir, file), 'utf8'))).toBe(true);
  }, 180_000);

  it('prints a readable table without --json', async () => {
    const { code, stdout } = await runMain(['strategies', '--quick']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^benchmark\s+params\s+value\s+baseline\s+ratio$/);
    expect(stdout).toContain('strategy=round_robin agents=1000');
  });

  it('refuses an unknown suite and a --charts without a directory, with exit code 2', async () => {
    expect((await runMain(['nonsense'])).code).toBe(2);
    expect((await runMain(['strategies', '--charts'])).code).toBe(2);
  });

  it('compares the memory suite with another checkout’s build in one process (memory --against)', async () => {
    // A stand-in checkout whose "build" is this one's side: the comparison runs, and its ratios are sane.
    chartsDir = await mkdtemp(join(tmpdir(), 'bench-against-'));
    const sides = join(chartsDir, 'tools', 'bench', 'dist', 'sides');
    await mkdir(sides, { recursive: true });
    const source = fileURLToPath(new URL('./sides/switchyard-memory-side.ts', import.meta.url));
    await writeFile(
      join(sides, 'switchyard-memory-side.js'),
      `export { switchyardMemorySide } from ${JSON.stringify(source)};\n`,
    );
    const { code, stdout, stderr } = await runMain(['memory', '--against', chartsDir, '--quick', '--json']);
    expect(code, stderr).toBe(0);
    const { results } = JSON.parse(stdout) as { results: BenchResult[] };
    expect(results.map((result) => [result.name, result.params.inFlight, result.unit])).toEqual([
      ['memory-vs-build', 1, 'ratio'],
      ['memory-vs-build', 64, 'ratio'],
    ]);
    for (const result of results) {
      expectWellFormed(result);
      expect(result.params.against).toBe(chartsDir);
    }
    expect(stderr).toContain('per-round ratio median');
  });

  it('refuses --against without a built checkout, without a value, or with another suite, with exit code 2', async () => {
    const missing = await runMain(['memory', '--against', join(tmpdir(), 'no-such-checkout')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('npx nx run bench:build');
    expect((await runMain(['memory', '--against'])).code).toBe(2);
    expect((await runMain(['strategies', '--against', '.'])).code).toBe(2);
  });
});
