import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from './cli-process.js';
import { runToEnd, Shell } from './shell-process.js';

const run = promisify(execFile);
const workspaceRoot = join(appRoot, '..', '..');
/** What a user installs to run Switchyard in one process: the library and the CLI, nothing else. */
const IN_MEMORY = ['core', 'transport-memory', 'agent', 'cli'];

describe('Switchyard installed as an outsider would, from the release tarballs', () => {
  let outside: string;
  let project: string;
  let tarballs: Map<string, string>;
  const started: Shell[] = [];
  let nats: NatsServerHandle | undefined;

  /** npm install of local tarballs only: Switchyard comes from them, third-party packages from the registry. */
  const install = async (names: readonly string[]): Promise<void> => {
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--silent',
        ...names.map((name) => tarballs.get(name) ?? `(no tarball for ${name})`),
      ],
      { cwd: project, timeout: 600_000 },
    );
  };

  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'switchyard-outsider-'));
    const { stdout } = await run(
      process.execPath,
      [
        join(workspaceRoot, 'tools', 'workspace', 'release-pack.mjs'),
        '--out',
        join(outside, 'tarballs'),
        '--skip-build',
      ],
      { cwd: workspaceRoot, timeout: 900_000 },
    );
    tarballs = new Map(
      stdout
        .trim()
        .split('\n')
        .map((path) => [/switchyard-([^/]+)-\d+\.\d+\.\d+\.tgz$/.exec(path)?.[1] ?? path, path]),
    );
    project = join(outside, 'project');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'outsider', version: '1.0.0', private: true, type: 'module' }),
    );
  }, 900_000);

  afterAll(async () => {
    await Promise.all(started.map((shell) => shell.stop()));
    await nats?.stop();
    await rm(outside, { recursive: true, force: true });
  });

  it('packs every publishable package at one version, with sibling dependencies at that version and no build leftovers', async () => {
    const version = (JSON.parse(await readFile(join(workspaceRoot, 'package.json'), 'utf8')) as { version: string })
      .version;
    expect([...tarballs.keys()].sort()).toEqual([
      'a2a',
      'agent',
      'cli',
      'core',
      'fast-agent',
      'mcp-server',
      'strategy-affinity',
      'strategy-latency-aware',
      'strategy-learned',
      'strategy-p2c',
      'testing',
      'transport-memory',
      'transport-nats',
    ]);
    for (const [name, tarball] of tarballs) {
      const { stdout: listing } = await run('tar', ['tzf', tarball]);
      expect(listing, name).not.toMatch(/tsbuildinfo|\.spec\.|test-helpers|\/src\//);
      const manifest = JSON.parse((await run('tar', ['xzOf', tarball, 'package/package.json'])).stdout) as {
        version: string;
        dependencies?: Record<string, string>;
        devDependencies?: unknown;
        scripts?: unknown;
      };
      expect(manifest.version, name).toBe(version);
      expect(manifest.devDependencies, name).toBeUndefined();
      for (const [dependency, range] of Object.entries(manifest.dependencies ?? {}))
        if (dependency.startsWith('@switchyard/')) expect(range, `${name} → ${dependency}`).toBe(version);
    }
  });

  it('an in-memory install is 4 packages and runs the README library quick start and the CLI', async () => {
    await install(IN_MEMORY);
    expect((await readdir(join(project, 'node_modules', '@switchyard'))).sort()).toEqual([...IN_MEMORY].sort());

    // README's quick start, as written (it is plain JavaScript as well as TypeScript).
    const readme = await readFile(join(workspaceRoot, 'README.md'), 'utf8');
    const quickstart = /<!-- quickstart:[^\n]*-->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    await writeFile(join(project, 'quickstart.mjs'), quickstart);
    // Plain output: under a runner that forces colour, console.log would colour the values.
    const { stdout } = await run(process.execPath, ['quickstart.mjs'], {
      cwd: project,
      timeout: 120_000,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(stdout).toMatch(/agentId: 'summarizer'/);
    expect(stdout).toMatch(/status: 'completed'/);
    expect(stdout).toMatch(/summary: 'Switchyard routes tasks '/);

    await writeFile(
      join(project, 'demo.yaml'),
      'demo:\n  agents:\n    - { id: one, capabilities: [work], latencyMs: 1 }\n    - { id: two, capabilities: [work], latencyMs: 1 }\n  taskTypes:\n    - { type: job, requiredCapabilities: [work] }\n',
    );
    const demo = await runToEnd('npx @switchyard/cli demo --config demo.yaml --tasks 20 --json', {}, project);
    const report = JSON.parse(demo.stdout) as { strategies: { strategy: string; completed: number }[] };
    expect(report.strategies.find((entry) => entry.strategy === 'round_robin')?.completed).toBe(20);
    // Without the MCP server package the HTTP endpoint is off, and saying it is on names what to install.
    const on = await new Shell(
      'npx @switchyard/cli config check --config demo.yaml',
      { SWITCHYARD_MCP__HTTP__ENABLED: 'true' },
      project,
    ).exited;
    expect(on.code).toBe(2);
    expect(on.stderr).toContain(
      'mcp.http.enabled: needs the package @switchyard/mcp-server, which is not installed: npm install @switchyard/mcp-server',
    );
  }, 600_000);

  it('loads a strategy plugin installed next to it by package name, and the plugin decides', async () => {
    await install(['strategy-affinity']);
    // Configured by package name only; the sender is the key, so the plugin must keep one agent.
    await writeFile(
      join(project, 'switchyard.yaml'),
      `strategies:
  - package: "@switchyard/strategy-affinity"
    options: { keyPath: no.such.field }
distribution:
  defaultStrategy: affinity
demo:
  agents:
    - { id: one, capabilities: [work], latencyMs: 1 }
    - { id: two, capabilities: [work], latencyMs: 1 }
    - { id: three, capabilities: [work], latencyMs: 1 }
  taskTypes:
    - { type: job, requiredCapabilities: [work] }
`,
    );
    const { stdout } = await runToEnd(
      'npx @switchyard/cli demo --config switchyard.yaml --tasks 30 --json',
      {},
      project,
    );
    const report = JSON.parse(stdout) as {
      strategies: { strategy: string; completed: number; perAgent: Record<string, number> }[];
    };
    const byStrategy = new Map(report.strategies.map((entry) => [entry.strategy, entry]));
    const affinity = byStrategy.get('affinity');
    expect(affinity?.completed).toBe(30);
    expect(Object.values(affinity?.perAgent ?? {})).toEqual([30]);
    expect(Object.keys(byStrategy.get('round_robin')?.perAgent ?? {}).sort()).toEqual(['one', 'three', 'two']);
  }, 600_000);

  it('runs a plugin written against the v2 API outside the repo: weighted picks, agent events, dispose, read-only agents', async () => {
    await install(IN_MEMORY);
    // Written as docs/plugins.md describes, as plain JavaScript next to the config: nothing from the repo.
    await mkdir(join(project, 'strategies'), { recursive: true });
    await writeFile(
      join(project, 'strategies', 'weighted.mjs'),
      `import { appendFileSync } from 'node:fs';
import { defineStrategy } from '@switchyard/core';
import { z } from 'zod';

const note = (line) => appendFileSync(new URL('./weighted.log', import.meta.url), line + '\\n');

export default defineStrategy({
  name: 'weighted',
  optionsSchema: z.strictObject({}),
  create: (_options, { random, agents }) => {
    const joined = new Set();
    const stopListening = agents.on((event) => {
      if (event.type === 'joined') joined.add(event.agent.id);
    });
    let tried = false;
    return {
      select(candidates) {
        const pick = candidates.sampleByWeight(random());
        if (pick !== undefined && !tried) {
          tried = true;
          try {
            pick.load = 999;
            note('mutated ' + String(pick.load));
          } catch {
            note('refused');
          }
        }
        return pick;
      },
      dispose() {
        stopListening();
        note('disposed; joined ' + [...joined].sort().join(','));
      },
    };
  },
});
`,
    );
    await writeFile(
      join(project, 'weighted.yaml'),
      `strategies:
  - package: ./strategies/weighted.mjs
distribution:
  defaultStrategy: weighted
demo:
  agents:
    - { id: heavy, capabilities: [work], priority: 90, latencyMs: 1 }
    - { id: light, capabilities: [work], priority: 10, latencyMs: 1 }
  taskTypes:
    - { type: job, requiredCapabilities: [work] }
`,
    );
    const { stdout } = await runToEnd(
      'npx @switchyard/cli demo --config weighted.yaml --tasks 200 --json',
      {},
      project,
    );
    const report = JSON.parse(stdout) as {
      strategies: { strategy: string; completed: number; perAgent: Record<string, number> }[];
    };
    const weighted = report.strategies.find((entry) => entry.strategy === 'weighted');
    expect(weighted?.completed).toBe(200);
    // Priority-weighted: heavy (90) is picked about nine times in ten whenever both are free.
    expect(weighted?.perAgent.heavy ?? 0).toBeGreaterThan(weighted?.perAgent.light ?? 0);
    const notes = (await readFile(join(project, 'strategies', 'weighted.log'), 'utf8')).trim().split('\n');
    expect(notes).toContain('refused');
    expect(notes.some((line) => line.startsWith('mutated'))).toBe(false);
    expect(notes).toContain('disposed; joined heavy,light');
  }, 600_000);

  it('a NATS config names the package it needs; once installed, an orchestrator and a NATS agent process run tasks', async () => {
    nats = await startNatsServer();
    await writeFile(
      join(project, 'nats.yaml'),
      `transport:\n  kind: nats\n  servers: ["${nats.url}"]\ndemo:\n  taskTypes:\n    - { type: job, requiredCapabilities: [work] }\n  tasksPerSecond: 5\n  reportIntervalMs: 1000\n`,
    );
    await writeFile(
      join(project, 'handler.mjs'),
      'export default async function handle(task, context) {\n  return { handledBy: context.agentId, echo: task.data };\n}\n',
    );
    const missing = await new Shell('npx @switchyard/cli config check --config nats.yaml', {}, project).exited;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'Invalid config:\n  - transport.kind: needs the package @switchyard/transport-nats, which is not installed: npm install @switchyard/transport-nats',
    );

    await install(['transport-nats']);
    const orchestrator = new Shell('npx @switchyard/cli start --config nats.yaml', {}, project);
    started.push(orchestrator);
    await orchestrator.waitFor(/Press Ctrl-C to stop/);
    // Without @switchyard/mcp-server the orchestrator serves no HTTP endpoint, and says nothing of one.
    expect(orchestrator.stdout).not.toContain('MCP (HTTP):');
    const agent = new Shell(
      'npx @switchyard/cli agent --config nats.yaml --id worker-1 --capabilities work --handler ./handler.mjs',
      {},
      project,
    );
    started.push(agent);
    await orchestrator.waitFor(/agents 1\/1 online · tasks completed [1-9]/);
    // The orchestrator first, as an operator would: it finishes its tasks in flight while the agent
    // still answers them. Stopped together, under load the agent could be gone first and the
    // orchestrator wait out its shutdown bound for answers that never come, past the stop's SIGKILL.
    await orchestrator.stop();
    await agent.stop();
    expect(orchestrator.stdout).toContain('Switchyard stopped cleanly.');
  }, 600_000);
});
