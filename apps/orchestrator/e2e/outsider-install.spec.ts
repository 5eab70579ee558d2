import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from './cli-process.js';

const run = promisify(execFile);
const workspaceRoot = join(appRoot, '..', '..');
/** What `npm install @switchyard/orchestrator` brings, plus one example plugin. */
const packed = ['packages/core', 'packages/agent', 'packages/transport-memory', 'packages/transport-nats', 'packages/mcp-server', 'packages/fast-agent', 'apps/orchestrator', 'packages/strategy-affinity'];

describe('Switchyard installed as an outsider would', () => {
  let outside: string | undefined;
  afterAll(async () => {
    if (outside !== undefined) await rm(outside, { recursive: true, force: true });
  });

  it('packs, installs outside the workspace, loads a plugin by package name, and the plugin decides', async () => {
    // The app and its packages are built before its tests (Nx dependsOn); the plugin is not one of them.
    await run('npx', ['tsc', '-p', 'packages/strategy-affinity/tsconfig.lib.json'], { cwd: workspaceRoot, timeout: 300_000 });
    outside = await mkdtemp(join(tmpdir(), 'switchyard-outsider-'));
    const tarballs = join(outside, 'tarballs');
    await mkdir(tarballs);
    await run('npm', ['pack', ...packed.flatMap((workspace) => ['-w', workspace]), '--pack-destination', tarballs, '--silent'], { cwd: workspaceRoot, timeout: 300_000 });
    const files = (await readdir(tarballs)).filter((file) => file.endsWith('.tgz'));
    expect(files).toHaveLength(packed.length);

    const project = join(outside, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'outsider', version: '1.0.0', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--silent', ...files.map((file) => join(tarballs, file))], { cwd: project, timeout: 300_000 });

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
    const { stdout } = await run('npx', ['switchyard', 'demo', '--config', 'switchyard.yaml', '--tasks', '30', '--json'], { cwd: project, timeout: 120_000 });
    const report = JSON.parse(stdout) as { strategies: { strategy: string; completed: number; perAgent: Record<string, number> }[] };
    const byStrategy = new Map(report.strategies.map((entry) => [entry.strategy, entry]));
    const affinity = byStrategy.get('affinity');
    expect(affinity?.completed).toBe(30);
    expect(Object.values(affinity?.perAgent ?? {})).toEqual([30]);
    expect(Object.keys(byStrategy.get('round_robin')?.perAgent ?? {}).sort()).toEqual(['one', 'three', 'two']);
  }, 600_000);
});
