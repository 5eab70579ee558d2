import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken } from '@switchyard/core';
import { freePort, waitUntil } from '@switchyard/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { appRoot, CliProcess } from './cli-process.js';

const ADMIN = 'e2e-resume-admin-token';
const TASKS = 1_600;
const running: CliProcess[] = [];

afterEach(async () => {
  for (const process of running.splice(0)) {
    process.kill('SIGKILL');
    await process.exited;
  }
});

/** `switchyard start` of the example fleet (no example traffic) on a fixed MCP port, so a restart is found at the same URL. */
async function startDaemon(port: number): Promise<CliProcess> {
  const daemon = new CliProcess(['start', '--config', join(appRoot, 'switchyard.example.yaml')], {
    SWITCHYARD_MCP__HTTP__PORT: String(port),
    SWITCHYARD_DEMO__TASKS_PER_SECOND: '0',
    SWITCHYARD_LOGGING__LEVEL: 'warn',
    SWITCHYARD_AUTH__TOKENS: JSON.stringify([{ name: 'ops', sha256: await hashToken(ADMIN), permissions: ['admin'] }]),
  });
  running.push(daemon);
  await daemon.waitFor(/Press Ctrl-C to stop/, 60_000);
  return daemon;
}

/** How many tasks the progress bar says are done. */
function progress(stderr: string): number {
  const counts = [...stderr.matchAll(/(\d+)\/1600/g)].map((match) => Number(match[1]));
  return counts.at(-1) ?? 0;
}

describe('submit --file across a lost orchestrator', () => {
  it('reconnects and resumes after the orchestrator is killed and restarted, reports every task, and leaks no abort listener', async () => {
    const port = await freePort();
    const first = await startDaemon(port);
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-resume-'));
    const file = join(dir, 'batch.jsonl');
    await writeFile(
      file,
      Array.from({ length: TASKS }, (_, n) =>
        JSON.stringify({ type: 'draft', capabilities: ['write'], data: { n } }),
      ).join('\n'),
    );
    const submit = new CliProcess(['submit', '--file', file, '--json', '--concurrency', '16', '--timeout', '20000'], {
      SWITCHYARD_URL: `http://127.0.0.1:${String(port)}/mcp`,
      SWITCHYARD_TOKEN: ADMIN,
    });
    running.push(submit);
    await waitUntil(() => progress(submit.stderr) >= 200, 'the batch is under way', 120_000);
    first.kill('SIGKILL');
    await first.exited;
    await startDaemon(port);
    const { code } = await submit.exited;
    const report = JSON.parse(submit.stdout) as {
      total: number;
      completed: number;
      failed: number;
      failures: Record<string, number>;
      tasks: { taskId: string | null; status: string; message?: string }[];
    };
    const failures = report.tasks.filter((task) => task.status === 'failed').slice(0, 3);
    expect({ code, total: report.total, completed: report.completed, failures }).toEqual({
      code: 0,
      total: TASKS,
      completed: TASKS,
      failures: [],
    });
    expect(new Set(report.tasks.map((task) => task.taskId)).size).toBe(TASKS);
    expect(submit.stderr).not.toContain('MaxListenersExceededWarning');
  }, 300_000);
});
