import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer } from '@switchyard/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { CliProcess } from './cli-process.js';

describe('switchyard start on durability: jetstream', () => {
  const processes: CliProcess[] = [];
  let server: NatsServerHandle | undefined;

  afterAll(async () => {
    for (const running of processes) running.kill('SIGKILL');
    await Promise.all(processes.map((running) => running.exited));
    await server?.stop();
  });

  it('exits after SIGTERM within shutdownTimeoutMs even when NATS is unreachable', async () => {
    server = await startNatsServer();
    const configDir = await mkdtemp(join(tmpdir(), 'switchyard-shutdown-'));
    const config = join(configDir, 'orchestrator.yaml');
    await writeFile(
      config,
      `transport:\n  kind: nats\n  servers: ["${server.url}"]\n  subjectPrefix: shutdown\ndurability:\n  kind: jetstream\n  orchestratorId: shutdown-spec\n` +
        `shutdownTimeoutMs: 3000\ndemo:\n  tasksPerSecond: 20\n  reportIntervalMs: 60000\n`,
    );
    const orchestrator = new CliProcess(['start', '--config', config]);
    processes.push(orchestrator);
    await orchestrator.waitFor(/Press Ctrl-C to stop/, 30_000);
    await server.stop();
    server = undefined;
    orchestrator.kill('SIGTERM');
    // The bound is the process's own (shutdownTimeoutMs); the ceiling here only keeps a hung test from running for ever.
    const exit = await Promise.race([
      orchestrator.exited,
      new Promise<'still running'>((resolve) => {
        setTimeout(() => {
          resolve('still running');
        }, 60_000);
      }),
    ]);
    expect(exit).not.toBe('still running');
    expect(orchestrator.stdout).toContain('SIGTERM: shutting down');
  }, 120_000);
});
