import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { hashToken } from '@switchyard/core';
import { freePort, waitUntil } from '@switchyard/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { appRoot, CliProcess } from './cli-process.js';

/** The venv `npm run provision` makes: fast-agent brings the official `mcp` SDK with it. */
const python = join(
  process.env.SWITCHYARD_FAST_AGENT_VENV ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchyard', 'fast-agent-venv'),
  'bin',
  'python',
);
const script = join(appRoot, 'e2e', 'fixtures', 'python-mcp-interop.py');
const TOKEN = 'python-interop-admin-token';
/** Over the 1 MiB the Python client accepts in one SSE event. */
const DATA_BYTES = 1_500_000;

interface Step {
  readonly step: string;
  readonly [field: string]: unknown;
}

describe('the official Python MCP SDK against `switchyard start`', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startDaemon(config: string, port: number): Promise<CliProcess> {
    const daemon = new CliProcess(['start', '--config', config], { SWITCHYARD_MCP__HTTP__PORT: String(port) });
    cleanups.push(async () => {
      daemon.kill('SIGTERM');
      await daemon.exited;
    });
    await daemon.waitFor(/Press Ctrl-C to stop/);
    return daemon;
  }

  it.skipIf(!existsSync(python))(
    'lists tools, runs the agent loop with a 1.5 MB task, and survives an orchestrator restart by initializing again after 404',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'switchyard-python-mcp-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const config = join(dir, 'switchyard.yaml');
      // Body limit raised for the 1.5 MB task; results stay under the default 768 KiB.
      await writeFile(
        config,
        [
          'auth:',
          `  tokens: [{ name: interop, sha256: "${await hashToken(TOKEN)}", permissions: [admin] }]`,
          'mcp:',
          '  http: { maxBodyBytes: 4000000 }',
          'demo:',
          '  agents: []',
          '  tasksPerSecond: 0',
          'logging: { level: warn }',
        ].join('\n'),
      );
      const port = await freePort();
      const url = `http://127.0.0.1:${String(port)}/mcp`;
      let daemon = await startDaemon(config, port);

      const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
        python,
        [script, url, TOKEN, String(DATA_BYTES)],
        { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      cleanups.push(async () => {
        child.kill('SIGTERM');
        await exited;
      });
      const steps = (): Step[] =>
        stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Step);
      const step = (name: string): Step | undefined => steps().find((candidate) => candidate.step === name);
      const waitForStep = async (name: string): Promise<Step> => {
        await waitUntil(
          () => step(name) !== undefined || child.exitCode !== null,
          `the Python client reports ${name}`,
          120_000,
        ).catch((error: unknown) => {
          throw new Error(`${String(error)}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
        });
        const found = step(name);
        if (found === undefined)
          throw new Error(
            `the Python client exited before ${name}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
          );
        return found;
      };

      await waitForStep('restart-me');
      expect(step('tools')?.names).toEqual(
        expect.arrayContaining(['create_task', 'execute_task', 'receive_tasks', 'handle_task_response', 'list_tasks']),
      );
      expect(step('registered')).toMatchObject({ isError: false });
      expect(step('created')).toMatchObject({
        isError: false,
        status: 'pending',
        links: ['switchyard://tasks/py-big'],
      });
      expect(step('answered')).toMatchObject({ taskId: 'py-big', dataOmitted: true, isError: false });
      expect(step('executed')).toMatchObject({ isError: false, status: 'completed', result: { length: DATA_BYTES } });
      expect(step('read')).toMatchObject({ status: 'completed', omitted: ['data', 'result', 'history'] });

      // Same port, same token, new process: every old session id is unknown now.
      daemon.kill('SIGTERM');
      await daemon.exited;
      daemon = await startDaemon(config, port);
      child.stdin.write('go\n');
      expect(await waitForStep('recovered')).toMatchObject({ tools: 14, isError: false });
      expect(step('old-session')?.error).toMatch(/Session not found/);
      expect(await exited).toBe(0);
    },
    180_000,
  );

  it.skipIf(!existsSync(python))(
    'hears execute_task’s progress notifications from a demo agent that reports its steps, then the result',
    async () => {
      const daemon = new CliProcess(['start', '--config', join(appRoot, 'switchyard.example.yaml')], {
        SWITCHYARD_DEMO__TASKS_PER_SECOND: '0',
        SWITCHYARD_LOGGING__LEVEL: 'warn',
        SWITCHYARD_AUTH__TOKENS: JSON.stringify([
          { name: 'interop', sha256: await hashToken(TOKEN), permissions: ['admin'] },
        ]),
      });
      cleanups.push(async () => {
        daemon.kill('SIGTERM');
        await daemon.exited;
      });
      await daemon.waitFor(/Press Ctrl-C to stop/);
      const url = /MCP \(HTTP\):\s+(\S+)/.exec(daemon.stdout)?.[1] as string;
      const child = spawn(python, [join(appRoot, 'e2e', 'fixtures', 'python-mcp-progress.py'), url, TOKEN], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(code, stderr).toBe(0);
      const steps = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Step);
      const notified = steps.filter((each) => each.step === 'progress');
      // The last report and the answer travel on different HTTP streams: the last may come too late.
      expect(notified.length).toBeGreaterThanOrEqual(3);
      expect(notified.slice(0, 3)).toEqual([
        { step: 'progress', progress: 25, total: 100, message: 'summarizer: step 1 of 4' },
        { step: 'progress', progress: 50, total: 100, message: 'summarizer: step 2 of 4' },
        { step: 'progress', progress: 75, total: 100, message: 'summarizer: step 3 of 4' },
      ]);
      expect(steps.at(-1)).toEqual({ step: 'result', isError: false, status: 'completed' });
    },
    180_000,
  );
});
