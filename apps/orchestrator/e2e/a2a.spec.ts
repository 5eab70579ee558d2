// README's A2A config, run with `switchyard start`: a Python a2a-sdk agent joins by its card URL alone, and an
// @a2a-js/sdk client reaches that agent through Switchyard's own A2A endpoint.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamResponse } from '@a2a-js/sdk';
import { SendMessageRequest, TaskState } from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import type { A2aAgentHandle } from '@switchyard/testing';
import { startA2aAgent } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot, CliProcess } from './cli-process.js';

const fixture = join(appRoot, '..', '..', 'packages', 'a2a', 'fixtures', 'a2a_agent.py');

async function switchyard(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string }> {
  const run = new CliProcess(args, env);
  const { code } = await run.exited;
  return { code, stdout: run.stdout };
}

describe('switchyard start with A2A agents and the A2A endpoint', () => {
  let agent: A2aAgentHandle;
  let dir: string;

  beforeAll(async () => {
    agent = await startA2aAgent(fixture, { args: ['--name', 'Polyglot', '--skill', 'translate:text'] });
    dir = await mkdtemp(join(tmpdir(), 'switchyard-a2a-'));
    // README's config as written, with the agent on a free port instead of 9999 (tests run side by side).
    const text = await readFile(join(appRoot, '..', '..', 'README.md'), 'utf8');
    const block = /<!-- a2a:switchyard\.yaml -->\n```yaml\n([\s\S]*?)```/.exec(text)?.[1];
    if (block === undefined) throw new Error('README.md has no a2a:switchyard.yaml block');
    expect(block).toContain('http://127.0.0.1:9999');
    await writeFile(join(dir, 'switchyard.yaml'), block.replace('http://127.0.0.1:9999', agent.url));
  }, 120_000);

  afterAll(async () => {
    await agent.stop();
  });

  it("config check accepts README's config and summarises it", async () => {
    const check = new CliProcess(['config', 'check', '--config', join(dir, 'switchyard.yaml')]);
    expect((await check.exited).code).toBe(0);
    expect(check.stdout).toContain('A2A:              1 card(s), 0 directory(ies); endpoint on at /a2a');
  });

  it('config check refuses an A2A endpoint without the HTTP server, naming the field', async () => {
    await writeFile(
      join(dir, 'no-http.yaml'),
      'mcp: { http: { enabled: false } }\na2a: { server: { enabled: true } }\n',
    );
    const check = new CliProcess(['config', 'check', '--config', join(dir, 'no-http.yaml')]);
    expect((await check.exited).code).not.toBe(0);
    expect(check.stderr).toContain('a2a.server.enabled');
  });

  it('the agent appears in `switchyard agents` with its skills, a new skill joins without a restart, and an A2A client gets its work done through Switchyard', async () => {
    // The card is read again every 300 ms instead of 10 s, so the new skill shows soon.
    const daemon = new CliProcess(['start', '--config', join(dir, 'switchyard.yaml')], {
      SWITCHYARD_A2A__AGENTS__REFRESH_INTERVAL_MS: '300',
    });
    try {
      await daemon.waitFor(/Press Ctrl-C to stop/);
      expect(daemon.stdout).toContain('A2A agents:        1 joined: a2a-Polyglot [translate]');
      const cardUrl = /A2A agent card:\s+(\S+)/.exec(daemon.stdout)?.[1] as string;
      const mcpUrl = /MCP \(HTTP\):\s+(\S+)/.exec(daemon.stdout)?.[1] as string;
      const admin = /admin token:\s+(\S+)/.exec(daemon.stdout)?.[1] as string;
      const client = { SWITCHYARD_URL: mcpUrl, SWITCHYARD_TOKEN: admin };

      const listed = await switchyard(['agents'], client);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^a2a-Polyglot\s+online\s+0\/4\s+.*translate$/m);

      await fetch(`${agent.url}/control/skills`, {
        method: 'POST',
        body: JSON.stringify(['translate:text', 'summarize:text']),
      });
      await expect
        .poll(async () => (await switchyard(['agents'], client)).stdout, { timeout: 60_000, interval: 500 })
        .toMatch(/^a2a-Polyglot\s+online\s+.*translate,summarize$/m);

      // The @a2a-js/sdk client finds Switchyard by its card, and the Python agent does the work.
      const fetchImpl: typeof fetch = (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${admin}`);
        return fetch(input, { ...init, headers });
      };
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the SDK types its options as a class it does not export
      const a2a = await new ClientFactory({ transports: [new JsonRpcTransportFactory({ fetchImpl })] }).createFromUrl(
        cardUrl,
        '',
      );
      expect((await a2a.getAgentCard()).skills.map((skill) => skill.id)).toEqual(['summarize', 'translate']);
      const events: StreamResponse[] = [];
      for await (const event of a2a.sendMessageStream(
        SendMessageRequest.fromJSON({
          message: {
            messageId: 'e2e-1',
            role: 'ROLE_USER',
            parts: [{ text: 'bonjour' }],
            metadata: { skill: 'summarize' },
          },
        }),
      ))
        events.push(event);
      const texts = events.flatMap((event) =>
        event.payload?.$case === 'statusUpdate' && event.payload.value.status?.state === TaskState.TASK_STATE_WORKING
          ? (event.payload.value.status.message?.parts.map((part) =>
              part.content?.$case === 'text' ? part.content.value : '',
            ) ?? [])
          : [],
      );
      // The Python agent's own working updates, relayed by Switchyard as progress.
      expect(texts).toContain('step 3 of 3');
      const last = events.at(-1)?.payload;
      expect(last?.$case === 'statusUpdate' ? last.value.status?.state : undefined).toBe(
        TaskState.TASK_STATE_COMPLETED,
      );
      const artifact = events.flatMap((event) =>
        event.payload?.$case === 'artifactUpdate' ? [event.payload.value] : [],
      )[0];
      expect(artifact?.artifact?.parts[0]?.content).toMatchObject({
        $case: 'data',
        value: {
          artifacts: [
            { name: 'result', parts: [{ echo: 'bonjour' }] },
            { name: 'note', parts: ['done'] },
          ],
        },
      });

      // A cancel travels the whole way: the A2A client cancels at Switchyard, Switchyard cancels the
      // task, and the Python agent sees tasks/cancel for its own A2A task.
      const slow = a2a.sendMessageStream(
        SendMessageRequest.fromJSON({
          message: {
            messageId: 'e2e-2',
            role: 'ROLE_USER',
            parts: [{ text: 'slow' }],
            metadata: { skill: 'translate' },
          },
        }),
      );
      const first = await slow.next();
      if (first.done === true || first.value.payload?.$case !== 'task') throw new Error('no task first');
      const taskId = first.value.payload.value.id;
      await expect
        .poll(
          async () =>
            ((await (await fetch(`${agent.url}/control/received`)).json()) as { received: unknown[] }).received.length,
          {
            timeout: 60_000,
          },
        )
        .toBe(2);
      expect((await a2a.cancelTask({ tenant: '', id: taskId, metadata: undefined })).status?.state).toBe(
        TaskState.TASK_STATE_CANCELED,
      );
      for await (const _event of slow) {
        // drained: the stream ends with the canceled status
      }
      await expect
        .poll(
          async () =>
            ((await (await fetch(`${agent.url}/control/cancelled`)).json()) as { cancelled: unknown[] }).cancelled
              .length,
          {
            timeout: 60_000,
          },
        )
        .toBe(1);
    } finally {
      daemon.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
    }
  }, 300_000);
});
