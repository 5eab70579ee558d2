import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SilentLogger, StrategyError, ValidationError } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../cli/exit-codes.js';
import type { CommandIo } from '../commands/command-io.js';
import { runConfigCheck } from '../commands/config-check-command.js';
import { loadConfig } from '../config/load-config.js';
import { startOrchestrator } from '../container/start-orchestrator.js';
import { loadStrategyPlugins } from './load-strategy-plugins.js';

// Inside the workspace, so the plugins resolve @switchyard/core and zod like an installed plugin would.
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'e2e', 'generated', 'config-check');

/** Counts, shared with the plugins through globalThis, of how often each ran create() and dispose(). */
interface Lifecycle {
  created: number;
  disposed: number;
}
const lifecycle = (): Lifecycle =>
  ((globalThis as { switchyardSpecLifecycle?: Lifecycle }).switchyardSpecLifecycle ??= { created: 0, disposed: 0 });

function plugin(name: string, create: string): string {
  return `import { defineStrategy } from '@switchyard/core';
import { z } from 'zod';
export default defineStrategy({
  name: '${name}',
  optionsSchema: z.strictObject({ sample: z.number().int().positive().default(2) }),
  create: () => { ${create} },
});
`;
}

function silentIo(): CommandIo & { out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return {
    stdin: new PassThrough(),
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new PassThrough() as unknown as NodeJS.WriteStream,
    env: {},
    out: () => text,
  };
}

async function config(name: string, yaml: string): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, `transport: { kind: memory }\nmcp: { http: { enabled: false } }\n${yaml}`);
  return path;
}

/** What config check and start each throw for the config (undefined: it passed). */
async function outcomes(path: string): Promise<{ check: unknown; start: unknown }> {
  const check = await runConfigCheck({ config: path }, silentIo()).then(
    () => undefined,
    (error: unknown) => error,
  );
  const start = await loadConfig(path, {})
    .then(async ({ config: loaded, baseDir }) => {
      const running = await startOrchestrator(loaded, new SilentLogger(), baseDir);
      await running.stop();
    })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  return { check, start };
}

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'throws.mjs'), plugin('throws', "throw new Error('cannot reach the model store');"));
  await writeFile(join(dir, 'hollow.mjs'), plugin('hollow', 'return {};'));
  await writeFile(
    join(dir, 'counted.mjs'),
    plugin(
      'counted',
      'const counts = (globalThis.switchyardSpecLifecycle ??= { created: 0, disposed: 0 }); counts.created++; return { select: (candidates) => candidates.first(), dispose: () => { counts.disposed++; } };',
    ),
  );
});

describe('config check refuses exactly what start refuses', () => {
  const broken: [string, string][] = [
    ['an unknown default strategy', 'distribution: { defaultStrategy: nope }'],
    ['an unknown capability strategy', 'distribution: { capabilityStrategies: { gpu: nope } }'],
    ["'custom' without a customStrategy", 'distribution: { defaultStrategy: custom }'],
    ['a customStrategy nobody registered', 'distribution: { customStrategy: nope }'],
    ['a plugin that is not installed', 'strategies: [{ package: "@acme/strategy-nope" }]'],
    ['a plugin file that is missing', 'strategies: [{ package: ./missing.mjs }]'],
    ['a plugin whose create() throws', 'strategies: [{ package: ./throws.mjs }]'],
    ['a plugin whose create() returns no select', 'strategies: [{ package: ./hollow.mjs }]'],
    ['options the plugin refuses', 'strategies: [{ package: ./counted.mjs, options: { sample: 0 } }]'],
    ['a plugin name taken by a built-in', 'strategies: [{ package: ./counted.mjs, name: round_robin }]'],
  ];

  for (const [what, yaml] of broken) {
    it(`${what}: the same error, message and exit code`, async () => {
      const { check, start } = await outcomes(await config(what.replace(/\W+/g, '-'), yaml));
      expect(check).toBeInstanceOf(Error);
      expect(
        check === undefined ? undefined : [(check as Error).constructor, (check as Error).message, exitCodeFor(check)],
      ).toEqual([(start as Error).constructor, (start as Error).message, exitCodeFor(start)]);
      expect(exitCodeFor(check)).toBe(2);
      expect(check instanceof ValidationError || check instanceof StrategyError).toBe(true);
    });
  }

  it('names the plugin and its config entry when create() throws', async () => {
    const { check } = await outcomes(await config('throws-message', 'strategies: [{ package: ./throws.mjs }]'));
    expect(check).toMatchObject({
      code: 'STRATEGY_CREATE_FAILED',
      message: "Strategy 'throws' (strategies.0: ./throws.mjs): create() threw: cannot reach the model store",
    });
  });

  it('creates each plugin once, disposes it, and lists the strategies', async () => {
    const path = await config(
      'fine',
      'strategies: [{ package: ./counted.mjs }]\ndistribution: { defaultStrategy: counted }',
    );
    const before = { ...lifecycle() };
    const io = silentIo();
    expect(await runConfigCheck({ config: path }, io)).toBe(0);
    expect(lifecycle()).toEqual({ created: before.created + 1, disposed: before.disposed + 1 });
    expect(io.out()).toContain(
      'strategies:       capability_match, round_robin, load_balanced, priority_based, counted',
    );
    const { start } = await outcomes(path);
    expect(start).toBeUndefined();
    // config check once more (inside outcomes), then start: one create and one dispose each.
    expect(lifecycle()).toEqual({ created: before.created + 3, disposed: before.disposed + 3 });
  });
});

describe('plugin packages', () => {
  let outside: string;

  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'switchyard-plugin-home-'));
    const packageDir = join(outside, 'node_modules', '@acme', 'strategy-lonely');
    await mkdir(join(packageDir, 'dist'), { recursive: true });
    await writeFile(
      join(packageDir, 'package.json'),
      JSON.stringify({
        name: '@acme/strategy-lonely',
        type: 'module',
        exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      }),
    );
    // No imports: a definition as defineStrategy returns it, so it loads from a folder without @switchyard/core.
    await writeFile(
      join(packageDir, 'dist', 'index.js'),
      `export default { kind: 'switchyard.strategy', apiVersion: 2, name: 'lonely', description: '', optionsSchema: { safeParse: (value) => ({ success: true, data: value }) }, create: () => ({ select: (candidates) => candidates.first() }) };\n`,
    );
  });

  afterAll(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  it("resolve from the config file's folder, outside switchyard's own install", async () => {
    const [registration] = await loadStrategyPlugins([{ package: '@acme/strategy-lonely' }], outside);
    expect(registration).toMatchObject({
      definition: { name: 'lonely' },
      source: 'strategies.0: @acme/strategy-lonely',
    });
  });

  it('resolve from the current folder when the config folder has none', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'switchyard-config-home-'));
    const previous = process.cwd();
    process.chdir(outside);
    try {
      const [registration] = await loadStrategyPlugins([{ package: '@acme/strategy-lonely' }], elsewhere);
      expect(registration).toMatchObject({ definition: { name: 'lonely' } });
    } finally {
      process.chdir(previous);
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('say where to install a package that is found nowhere', async () => {
    const failure = await loadStrategyPlugins([{ package: '@acme/strategy-elsewhere' }], outside).catch(
      (error: unknown) => error,
    );
    expect((failure as ValidationError).issues).toEqual([
      {
        field: 'strategies.0.package',
        message: `cannot find the package '@acme/strategy-elsewhere': install it beside the config file (npm install @acme/strategy-elsewhere in ${outside}), or give a path`,
      },
    ]);
  });
});
