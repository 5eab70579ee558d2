import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleSum } from '../src/ops/prometheus-text.test-helpers.js';
import { CliProcess } from './cli-process.js';
import type { OpsDaemon } from './start-ops-daemon.js';
import { startOpsDaemon } from './start-ops-daemon.js';

const ADMIN = 'e2e-admin-token';
const VIEWER = 'e2e-viewer-token';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a client command of the built CLI to its end, as a script would. */
async function switchyard(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const run = new CliProcess(args, env);
  const { code } = await run.exited;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

describe('operators drive a running orchestrator from the CLI and watch its metrics', () => {
  let daemon: OpsDaemon;
  let url: string;
  let dir: string;
  let admin: NodeJS.ProcessEnv;

  beforeAll(async () => {
    daemon = await startOpsDaemon(ADMIN, VIEWER);
    url = daemon.mcpUrl;
    admin = { SWITCHYARD_URL: url, SWITCHYARD_TOKEN: ADMIN };
    dir = await mkdtemp(join(tmpdir(), 'switchyard-ops-'));
  });

  afterAll(async () => {
    await daemon.stop();
  });

  it('prints where metrics and the dashboard are at start', () => {
    const base = new URL(url).origin;
    expect(daemon.process.stdout).toContain(
      `metrics:           ${base}/metrics  (Authorization: Bearer <token with ops:read>)`,
    );
    expect(daemon.process.stdout).toContain(`dashboard:         ${base}/dashboard`);
  });

  it('agents lists the fleet as a table, and as JSON for scripts', async () => {
    const table = await switchyard(['agents'], admin);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^agent\s+status\s+load\s+priority\s+latency\s+completed\s+failed\s+capabilities$/m);
    expect(table.stdout).toMatch(/^summarizer\s+online\s+0\/4\s+3\s+/m);
    const json = await switchyard(['agents', '--json'], admin);
    const agents = JSON.parse(json.stdout) as { id: string; capacity: number | null }[];
    expect(agents.map((agent) => agent.id)).toEqual(['writer-1', 'writer-2', 'summarizer', 'coder-1', 'coder-2']);
    expect(agents.find((agent) => agent.id === 'coder-2')?.capacity).toBeNull();
  });

  it('submit runs one task and prints its result; tasks finds it by status', async () => {
    const submitted = await switchyard(
      [
        'submit',
        '--id',
        'e2e-one',
        '--type',
        'summarize',
        '--capabilities',
        'summarize',
        '--data',
        '{"text":"rails"}',
        '--json',
      ],
      admin,
    );
    expect(submitted.code).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({
      taskId: 'e2e-one',
      status: 'completed',
      result: { input: { text: 'rails' } },
    });
    const completed = await switchyard(['tasks', '--status', 'completed', '--json'], admin);
    expect(completed.code).toBe(0);
    expect(
      (JSON.parse(completed.stdout) as { id: string; status: string }[]).find((task) => task.id === 'e2e-one'),
    ).toMatchObject({ status: 'completed' });
    const table = await switchyard(['tasks', '--status', 'completed'], admin);
    expect(table.stdout).toMatch(/^e2e-one\s+summarize\s+completed\s+\S+\s+normal\s+1\/\d+\s/m);
    // The daemon sends no example traffic here: the status line counts the task submitted from outside.
    await daemon.process.waitFor(/tasks completed [1-9]/);
  });

  it('submit --weight takes that many units of an agent’s capacity; one heavier than every capable agent is refused', async () => {
    const summarize = ['submit', '--type', 'summarize', '--capabilities', 'summarize', '--json'];
    const heavy = await switchyard([...summarize, '--id', 'e2e-heavy', '--weight', '6'], admin);
    expect(heavy.code).toBe(0);
    // Only the writers (capacity 8) can hold 6 units; the summarizer holds 4.
    expect(JSON.parse(heavy.stdout)).toMatchObject({ taskId: 'e2e-heavy', status: 'completed' });
    expect((JSON.parse(heavy.stdout) as { agentId: string }).agentId).toMatch(/^writer-/);
    const listed = JSON.parse((await switchyard(['tasks', '--json'], admin)).stdout) as {
      id: string;
      weight: number;
    }[];
    expect(listed.find((task) => task.id === 'e2e-heavy')?.weight).toBe(6);
    const tooHeavy = await switchyard([...summarize, '--weight', '9'], admin);
    expect(tooHeavy.code).toBe(1);
    expect(tooHeavy.stderr).toContain('TASK_TOO_HEAVY');
    const outOfRange = await switchyard([...summarize, '--weight', '1000001'], admin);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain('weight');
  });

  it('submit --file runs a JSONL batch with a progress bar, summarizes it, and exits 1 when a task failed', async () => {
    const lines = Array.from({ length: 10 }, (_, index) =>
      JSON.stringify({ id: `batch-${String(index)}`, type: 'draft', capabilities: ['write'], data: { n: index } }),
    );
    const file = join(dir, 'batch.jsonl');
    await writeFile(file, `${[...lines, JSON.stringify({ type: 'fly', capabilities: ['wings'] })].join('\n')}\n`);
    const run = await switchyard(['submit', '--file', file, '--json'], admin);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('100% 11/11');
    const summary = JSON.parse(run.stdout) as {
      total: number;
      completed: number;
      failed: number;
      failures: Record<string, number>;
      perAgent: Record<string, number>;
      tasks: { line: number; status: string; code?: string }[];
    };
    expect(summary).toMatchObject({ total: 11, completed: 10, failed: 1, failures: { NO_CAPABLE_AGENT: 1 } });
    expect(Object.values(summary.perAgent).reduce((sum, count) => sum + count, 0)).toBe(10);
    expect(summary.tasks.find((task) => task.line === 11)).toMatchObject({
      status: 'failed',
      code: 'NO_CAPABLE_AGENT',
    });
    // The refused task keeps nothing: no pending task is left behind.
    const pending = await switchyard(['tasks', '--status', 'pending', '--json'], admin);
    expect(JSON.parse(pending.stdout)).toEqual([]);

    await writeFile(file, `${lines.map((line) => line.replace('batch-', 'again-')).join('\n')}\n`);
    const text = await switchyard(['submit', '--file', file], admin);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^10 task\(s\) in \d+\.\d s: 10 completed, 0 failed$/m);
  });

  it('submit refuses a bad batch before sending anything, naming each line and field, and exits 2', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(
      file,
      '{"id":"never-sent","type":"draft","capabilities":["write"]}\n{"type":"draft","capabilities":["no spaces!"]}\n{"type":"draft"}\n',
    );
    const run = await switchyard(['submit', '--file', file], admin);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('- line 2.capabilities.0:');
    expect(run.stderr).toContain('- line 3.capabilities:');
    const tasks = await switchyard(['tasks', '--json', '--limit', '10000'], admin);
    expect((JSON.parse(tasks.stdout) as { id: string }[]).map((task) => task.id)).not.toContain('never-sent');
  });

  it('exits 4 for a refused token, 3 when nothing answers, 2 for bad arguments', async () => {
    const wrong = await switchyard(['agents'], { SWITCHYARD_URL: url, SWITCHYARD_TOKEN: 'not-a-token' });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('UNAUTHENTICATED');
    // A watch-only token reads, but may not act.
    const watching = await switchyard(['agents', '--token', VIEWER, '--url', url]);
    expect(watching.code).toBe(0);
    const watcher = await switchyard([
      'submit',
      '--type',
      'draft',
      '--capabilities',
      'write',
      '--token',
      VIEWER,
      '--url',
      url,
    ]);
    expect(watcher.code).toBe(4);
    expect(watcher.stderr).toContain('FORBIDDEN');
    const closed = await switchyard(['agents', '--url', 'http://127.0.0.1:9/mcp', '--token', ADMIN]);
    expect(closed.code).toBe(3);
    expect(closed.stderr).toContain(
      'ORCHESTRATOR_UNREACHABLE: Cannot reach the orchestrator at http://127.0.0.1:9/mcp',
    );
    const noToken = await switchyard(['agents', '--url', url]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('- token: required');
    const badStatus = await switchyard(['tasks', '--status', 'lost'], admin);
    expect(badStatus.code).toBe(2);
  });

  it('serves /metrics in Prometheus text to an ops:read token, and its counters move as tasks run', async () => {
    const metricsUrl = new URL('/metrics', url);
    const scrape = async () => {
      const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${VIEWER}` } });
      expect(response.status).toBe(200);
      return parsePrometheusText(await response.text());
    };
    expect((await fetch(metricsUrl)).status).toBe(401);
    const before = await scrape();
    expect(
      sampleSum(before, 'switchyard_agents', { status: 'online' }) +
        sampleSum(before, 'switchyard_agents', { status: 'draining' }),
    ).toBe(5);
    expect(sampleSum(before, 'switchyard_agent_capacity', { agent: 'summarizer' })).toBe(4);
    const file = join(dir, 'metrics.jsonl');
    await writeFile(
      file,
      Array.from({ length: 6 }, () => JSON.stringify({ type: 'summarize', capabilities: ['summarize'] })).join('\n'),
    );
    expect((await switchyard(['submit', '--file', file], admin)).code).toBe(0);
    const after = await scrape();
    expect(
      sampleSum(after, 'switchyard_tasks_total', { status: 'completed' }) -
        sampleSum(before, 'switchyard_tasks_total', { status: 'completed' }),
    ).toBe(6);
    expect(
      sampleSum(after, 'switchyard_task_latency_seconds_count') -
        sampleSum(before, 'switchyard_task_latency_seconds_count'),
    ).toBe(6);
  });

  it('drain takes an agent out of rotation, keeps it out through its own heartbeats, and --wait returns once it holds nothing', async () => {
    const drained = await switchyard(['drain', 'writer-1', '--wait', '--json'], admin);
    expect(drained.code).toBe(0);
    expect(JSON.parse(drained.stdout)).toEqual({ agent: 'writer-1', status: 'draining', load: 0, idle: true });
    const writer1 = async () =>
      (
        JSON.parse((await switchyard(['agents', '--json'], admin)).stdout) as {
          id: string;
          status: string;
          lastSeenAt: string;
        }[]
      ).find((agent) => agent.id === 'writer-1');
    const atDrain = await writer1();
    // The demo agent heartbeats every second saying it is online; the operator's drain must hold.
    let later = await writer1();
    for (let attempt = 0; attempt < 30 && later?.lastSeenAt === atDrain?.lastSeenAt; attempt++) later = await writer1();
    expect(later?.lastSeenAt).not.toBe(atDrain?.lastSeenAt);
    expect(later?.status).toBe('draining');

    const file = join(dir, 'after-drain.jsonl');
    await writeFile(
      file,
      Array.from({ length: 8 }, () => JSON.stringify({ type: 'draft', capabilities: ['write'] })).join('\n'),
    );
    const batch = await switchyard(['submit', '--file', file, '--json'], admin);
    expect(batch.code).toBe(0);
    expect((JSON.parse(batch.stdout) as { perAgent: Record<string, number> }).perAgent).toEqual({ 'writer-2': 8 });

    const text = await switchyard(['drain', 'writer-2'], admin);
    expect(text.stdout).toBe('writer-2 is draining: it gets no new tasks and finishes the 0 it holds\n');
    // Every writer is draining: a task waits in the queue, and runs as soon as a drain is lifted.
    const waiting = switchyard(['submit', '--type', 'draft', '--capabilities', 'write', '--json'], admin);
    const queued = async (): Promise<number> =>
      (JSON.parse((await switchyard(['tasks', '--status', 'queued', '--json'], admin)).stdout) as unknown[]).length;
    for (let attempt = 0; attempt < 50 && (await queued()) === 0; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await queued()).toBeGreaterThan(0);
    const undrained = await switchyard(['undrain', 'writer-1', '--json'], admin);
    expect(JSON.parse(undrained.stdout)).toMatchObject({ agent: 'writer-1', status: 'online' });
    const ran = await waiting;
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ agentId: 'writer-1' });
    const unknown = await switchyard(['drain', 'no-such-agent'], admin);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('AGENT_NOT_FOUND');
  }, 120_000);

  it('cancel ends a waiting task: the submitter gets TASK_CANCELLED, tasks lists it cancelled, a second cancel is refused', async () => {
    // Only coder-1 has both capabilities: drained, it leaves the task waiting in the queue.
    expect((await switchyard(['drain', 'coder-1'], admin)).code).toBe(0);
    const submitter = new CliProcess(
      ['submit', '--id', 'e2e-cancel', '--type', 'review', '--capabilities', 'code,review', '--timeout', '60000'],
      admin,
    );
    const status = async (): Promise<string | undefined> =>
      (
        JSON.parse((await switchyard(['tasks', '--json', '--limit', '10000'], admin)).stdout) as {
          id: string;
          status: string;
        }[]
      ).find((task) => task.id === 'e2e-cancel')?.status;
    for (let attempt = 0; attempt < 30 && (await status()) === undefined; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await status()).toBe('queued');
    const cancelled = await switchyard(['cancel', 'e2e-cancel', '--reason', 'operator changed plans', '--json'], admin);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toEqual({
      task: 'e2e-cancel',
      status: 'cancelled',
      reason: 'operator changed plans',
    });
    const { code } = await submitter.exited;
    expect(code).toBe(1);
    expect(submitter.stderr).toContain('TASK_CANCELLED');
    const listed = await switchyard(['tasks', '--status', 'cancelled', '--json'], admin);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((task) => task.id)).toEqual(['e2e-cancel']);
    const again = await switchyard(['cancel', 'e2e-cancel'], admin);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('TASK_ALREADY_FINISHED');
    const watcher = await switchyard(['cancel', 'e2e-cancel', '--token', VIEWER, '--url', url]);
    expect(watcher.code).toBe(4);
    const undrained = await switchyard(['undrain', 'coder-1'], admin);
    expect({ code: undrained.code, stderr: undrained.stderr }).toEqual({ code: 0, stderr: '' });
  }, 120_000);
});
