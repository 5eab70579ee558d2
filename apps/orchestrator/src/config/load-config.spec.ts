import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from './load-config.js';

async function tempFile(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'switchyard-config-')), name);
  await writeFile(path, text);
  return path;
}

async function problems(run: () => Promise<unknown>): Promise<string[]> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((issue) => issue.field).sort();
  }
  throw new Error('expected the config to be refused');
}

describe('config', () => {
  it('fills every section with defaults when nothing is given', async () => {
    const { config } = await resolveConfig({});
    expect(config.transport).toEqual({ kind: 'memory' });
    expect(config.distribution.defaultStrategy).toBe('capability_match');
    expect(config.tasks).toMatchObject({
      defaultTimeoutMs: 30_000,
      attemptTimeoutMs: 60_000,
      retainFinished: 10_000,
      pendingTtlMs: 3_600_000,
      queue: { maxLength: 100_000 },
      retry: { maxAttempts: 3 },
    });
    expect(config.auth.tokens).toEqual([]);
  });

  it('lists every problem of a bad config at once', async () => {
    expect(
      await problems(() =>
        resolveConfig({
          transport: { kind: 'carrier-pigeon' },
          distribution: { defaultStrategy: 'Fast!' },
          tasks: { defaultTimeoutMs: 'soon' },
          demo: { agents: [{ id: 'bad id', capabilities: [] }] },
          surprise: true,
        }),
      ),
    ).toEqual(['', 'demo.agents.0.id', 'distribution.defaultStrategy', 'tasks.defaultTimeoutMs', 'transport.kind']);
  });

  it('refuses jetstream durability without a NATS transport, and bad durability fields, by name', async () => {
    expect(await problems(() => resolveConfig({ durability: { kind: 'jetstream' } }))).toEqual(['durability.kind']);
    expect(
      await problems(() =>
        resolveConfig({
          transport: { kind: 'nats' },
          durability: { kind: 'jetstream', ackWaitMs: 10, orchestratorId: 'has space' },
        }),
      ),
    ).toEqual(['durability.ackWaitMs', 'durability.orchestratorId']);
    const { config } = await resolveConfig({
      transport: { kind: 'nats' },
      durability: { kind: 'jetstream', orchestratorId: 'orch-1' },
    });
    expect(config.durability).toMatchObject({ kind: 'jetstream', orchestratorId: 'orch-1', ackWaitMs: 10_000 });
  });

  it('takes SWITCHYARD_* environment overrides, nested with __, values as JSON where they parse, and skips the variables that are not config', async () => {
    const { config, overrides } = await resolveConfig(
      { distribution: { defaultStrategy: 'round_robin' } },
      {
        SWITCHYARD_DISTRIBUTION__DEFAULT_STRATEGY: 'priority_based',
        SWITCHYARD_TASKS__DEFAULT_TIMEOUT_MS: '1500',
        SWITCHYARD_LOGGING__LEVEL: 'warn',
        SWITCHYARD_CONFIG: 'ignored.yaml',
        SWITCHYARD_TOKEN: 'the-client-token',
        SWITCHYARD_URL: 'http://127.0.0.1:7300/mcp',
        // npm test's burner switch reaches every CLI process of a loaded run.
        SWITCHYARD_TEST_STRESS: '1',
        OTHER: 'x',
      },
    );
    expect(config.distribution.defaultStrategy).toBe('priority_based');
    expect(config.tasks.defaultTimeoutMs).toBe(1500);
    expect(config.logging.level).toBe('warn');
    expect(overrides.sort()).toEqual(['distribution.defaultStrategy', 'logging.level', 'tasks.defaultTimeoutMs']);
  });

  it('takes the fast-agent bridge token from SWITCHYARD_FAST_AGENT__TOKEN, so it need not sit in the file', async () => {
    const { config } = await resolveConfig(
      { fastAgent: { servers: [{ name: 'fleet', url: 'http://127.0.0.1:8080/mcp' }] } },
      { SWITCHYARD_FAST_AGENT__TOKEN: 'bridge-token' },
    );
    expect(config.fastAgent?.token).toBe('bridge-token');
  });

  it('checks overridden values like any other', async () => {
    expect(await problems(() => resolveConfig({}, { SWITCHYARD_TASKS__RETAIN_FINISHED: '-3' }))).toEqual([
      'tasks.retainFinished',
    ]);
    expect(await problems(() => resolveConfig({}, { SWITCHYARD_TASKS__PENDING_TTL_MS: '0' }))).toEqual([
      'tasks.pendingTtlMs',
    ]);
    expect((await resolveConfig({}, { SWITCHYARD_TASKS__PENDING_TTL_MS: '5000' })).config.tasks.pendingTtlMs).toBe(
      5_000,
    );
  });

  it('reads YAML and JSON files', async () => {
    const yaml = await loadConfig(await tempFile('c.yaml', 'distribution:\n  defaultStrategy: load_balanced\n'), {});
    const json = await loadConfig(await tempFile('c.json', '{"distribution":{"defaultStrategy":"round_robin"}}'), {});
    expect(yaml.config.distribution.defaultStrategy).toBe('load_balanced');
    expect(json.config.distribution.defaultStrategy).toBe('round_robin');
  });

  it('says which file it cannot read or parse', async () => {
    await expect(loadConfig('/nonexistent/switchyard.yaml', {})).rejects.toThrow(
      /cannot read \/nonexistent\/switchyard.yaml/,
    );
    await expect(loadConfig(await tempFile('broken.json', '{ nope'), {})).rejects.toThrow(/cannot parse .*broken.json/);
    await expect(loadConfig(await tempFile('list.yaml', '- a\n- b\n'), {})).rejects.toThrow(/mapping of sections/);
  });
});
