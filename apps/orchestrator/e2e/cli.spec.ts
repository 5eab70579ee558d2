import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashToken } from '@switchyard/core';
import { waitUntil } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(appRoot, 'dist', 'main.js');
const exampleConfig = join(appRoot, 'switchyard.example.yaml');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI as a user would; `whileRunning` may interact with the live process. */
function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  whileRunning?: (output: () => string, kill: (signal: NodeJS.Signals) => void) => Promise<void>,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, SWITCHYARD_MCP__HTTP__PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
    whileRunning?.(
      () => stdout,
      (signal) => child.kill(signal),
    ).catch((error: unknown) => {
      child.kill('SIGKILL');
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

describe('switchyard CLI', () => {
  it('start runs the daemon with the demo fleet, routes example traffic, and stops cleanly on SIGTERM', async () => {
    const run = await runCli(
      ['start', '--config', exampleConfig],
      { SWITCHYARD_DEMO__REPORT_INTERVAL_MS: '300', SWITCHYARD_LOGGING__LEVEL: 'warn' },
      async (output, kill) => {
        await waitUntil(() => output().includes('Press Ctrl-C to stop.'), 'the daemon is up', 90_000);
        await waitUntil(
          () => /tasks completed [1-9]\d*/.test(output()),
          'a status line reports completed tasks',
          90_000,
        );
        kill('SIGTERM');
      },
    );
    expect(run.stdout).toContain('transport:         memory');
    expect(run.stdout).toMatch(/writer-1\s+\[write, summarize\]\s+priority 2\s+capacity 8/);
    expect(run.stdout).toContain('SIGTERM: shutting down');
    expect(run.stdout).toContain('Switchyard stopped cleanly.');
    expect(run.code).toBe(0);
  });

  it('stops cleanly when SIGTERM comes twice, as npx forwards the one its process group got', async () => {
    const run = await runCli(
      ['start', '--config', exampleConfig],
      { SWITCHYARD_DEMO__REPORT_INTERVAL_MS: '300', SWITCHYARD_LOGGING__LEVEL: 'warn' },
      async (output, kill) => {
        await waitUntil(() => output().includes('Press Ctrl-C to stop.'), 'the daemon is up', 90_000);
        kill('SIGTERM');
        await waitUntil(() => output().includes('SIGTERM: shutting down'), 'the shutdown has begun', 90_000);
        kill('SIGTERM');
      },
    );
    expect(run.stdout).toContain('Switchyard stopped cleanly.');
    expect(run.code).toBe(0);
  });

  it('refuses a bad config listing every problem, and exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-cli-'));
    const config = join(dir, 'bad.yaml');
    await writeFile(
      config,
      'transport:\n  kind: carrier-pigeon\ndistribution:\n  defaultStrategy: 42\ntasks:\n  retainFinished: -1\n',
    );
    const run = await runCli(['start', '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Invalid config:');
    expect(run.stderr).toContain('- transport.kind:');
    expect(run.stderr).toContain('- distribution.defaultStrategy:');
    expect(run.stderr).toContain('- tasks.retainFinished:');
  });

  it('demo runs a batch through every built-in strategy and reports per-agent counts', async () => {
    const run = await runCli(['demo', '--config', exampleConfig, '--tasks', '60', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      strategies: {
        strategy: string;
        tasks: number;
        completed: number;
        failed: number;
        perAgent: Record<string, number>;
      }[];
    };
    expect(report.strategies.map((entry) => entry.strategy)).toEqual([
      'capability_match',
      'round_robin',
      'load_balanced',
      'priority_based',
    ]);
    for (const entry of report.strategies) {
      expect(entry.completed + entry.failed).toBe(60);
      expect(Object.values(entry.perAgent).reduce((sum, count) => sum + count, 0)).toBe(entry.completed);
    }
  });

  it('demo prints a readable table with a progress bar', async () => {
    const run = await runCli(['demo', '--config', exampleConfig, '--tasks', '40']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/agent\s+capability_match\s+round_robin\s+load_balanced\s+priority_based/);
    expect(run.stdout).toMatch(/tasks\/s\s+\d+/);
    expect(run.stderr).toContain('100% 40/40');
  });

  it('token create prints a token once and a config entry holding only its SHA-256', async () => {
    const run = await runCli(['token', 'create', '--name', 'ops', '--permission', 'tasks:create', 'tasks:distribute']);
    expect(run.code).toBe(0);
    const token = /token \(shown once; keep it secret\): (\S+)/.exec(run.stdout)?.[1] ?? '';
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(run.stdout).toContain(`sha256: ${await hashToken(token)}`);
    expect(run.stdout).toMatch(/permissions:\n\s+- tasks:create\n\s+- tasks:distribute/);
    const refused = await runCli(['token', 'create', '--name', 'ops', '--permission', 'root']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('- permission.0:');
  });

  it('config check accepts the shipped NATS example', async () => {
    const run = await runCli(['config', 'check', '--config', join(appRoot, 'switchyard.nats.example.yaml')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('transport:        nats');
  });

  it('config check validates the shipped example and honours env overrides', async () => {
    const run = await runCli(['config', 'check', '--config', exampleConfig], {
      SWITCHYARD_DISTRIBUTION__DEFAULT_STRATEGY: 'round_robin',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('default strategy: round_robin');
    expect(run.stdout).toMatch(/from env: .*distribution\.defaultStrategy/);
  });
});
