// Against a real Python A2A agent built with the official a2a-sdk (fixtures/a2a_agent.py).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import type { JsonValue, Logger, TaskProgressEvent } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, SilentLogger, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import type { A2aAgentHandle } from '@switchyard/testing';
import { startA2aAgent, waitUntil } from '@switchyard/testing';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { A2aAgents } from './a2a-agents.js';
import { A2aOptionsSchema } from './a2a-options.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'a2a_agent.py');
const TOKEN = 'a2a-spec';

async function control(agent: A2aAgentHandle, path: string, body?: JsonValue): Promise<Record<string, JsonValue>> {
  const response = await fetch(`${agent.url}/control/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return (await response.json()) as Record<string, JsonValue>;
}

describe('A2aAgents with a real a2a-sdk agent', () => {
  let engine: OrchestrationEngine;
  let distributor: TaskDistributor;
  let bus: MemoryBus;
  const started: A2aAgentHandle[] = [];
  const adapters: A2aAgents[] = [];

  beforeAll(async () => {
    const container = new Container();
    const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }]);
    container.load(
      createCoreModule({ tasks: { retry: { maxAttempts: 2, initialDelayMs: 20 } } }, { authenticator }),
      createMemoryTransportModule(),
    );
    engine = container.get(OrchestrationEngine);
    distributor = container.get(TaskDistributor);
    bus = container.get(MemoryBus);
    await engine.start();
  });

  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((adapter) => adapter.stop()));
    await Promise.all(started.splice(0).map((agent) => agent.stop()));
  });

  afterAll(async () => {
    await engine.stop();
  });

  async function agentProcess(args: string[], port?: number): Promise<A2aAgentHandle> {
    const agent = await startA2aAgent(fixture, { args, ...(port === undefined ? {} : { port }) });
    started.push(agent);
    return agent;
  }

  function adapter(options: ConstructorParameters<typeof A2aAgents>[0], env: NodeJS.ProcessEnv = {}): A2aAgents {
    const created = new A2aAgents(options, () => new InMemoryTransport(bus), undefined, env);
    adapters.push(created);
    return created;
  }

  function listed(agentId: string) {
    return distributor.listAgents().find((agent) => agent.id === agentId);
  }

  function run(
    capability: string,
    taskData: JsonValue,
    timeoutMs = 30_000,
    onProgress?: (event: TaskProgressEvent) => void,
  ) {
    return engine.runTask({
      ...(onProgress === undefined ? {} : { onProgress }),
      authToken: TOKEN,
      taskId: `t-${globalThis.crypto.randomUUID()}`,
      taskType: 'a2a',
      requiredCapabilities: [capability],
      taskData,
      senderId: 'spec',
      timeoutMs,
    });
  }

  it('joins by its card URL alone with its skills as capabilities, runs tasks, and follows a new skill without a restart', async () => {
    const agent = await agentProcess(['--name', 'Polyglot', '--skill', 'translate:text,lang']);
    const a2a = adapter({ cards: [{ url: agent.url }], refreshIntervalMs: 200 });
    await a2a.start();
    expect(listed('a2a-Polyglot')).toMatchObject({ capabilities: ['translate'], status: 'online', capacity: 4 });
    expect(a2a.agents()).toEqual([
      {
        agentId: 'a2a-Polyglot',
        cardUrl: `${agent.url}/.well-known/agent-card.json`,
        reachable: true,
        capabilities: ['translate'],
      },
    ]);

    // A string is one text part; other JSON one data part. The artifacts are the result; working updates the progress.
    const progress: TaskProgressEvent[] = [];
    const text = await run('translate', 'bonjour', 30_000, (event) => progress.push(event));
    // Reports closer than the SDK's progressIntervalMs are coalesced (the latest wins): in order, the last always there.
    const messages = progress.map((event) => event.message);
    expect(messages.at(-1)).toBe('step 3 of 3');
    expect(messages).toEqual([...messages].sort());
    expect(messages.every((message) => /^step [123] of 3$/.test(message ?? ''))).toBe(true);
    expect(progress[0]).toMatchObject({ agentId: 'a2a-Polyglot', attempt: 1 });
    expect(text).toMatchObject({ status: 'completed', agentId: 'a2a-Polyglot' });
    expect(text.result).toMatchObject({
      a2aTaskId: expect.any(String) as unknown,
      artifacts: [
        { name: 'result', parts: [{ echo: 'bonjour', partCount: 1 }] },
        { name: 'note', parts: ['done'] },
      ],
      statusMessage: 'all done',
    });
    const data = await run('translate', { words: ['a', 'b'], n: 2 });
    expect(data.result).toMatchObject({
      artifacts: [{ name: 'result', parts: [{ echo: { words: ['a', 'b'], n: 2 } }] }, {}],
    });
    const received = (await control(agent, 'received')).received as { metadata: Record<string, JsonValue> }[];
    expect(received[0]?.metadata).toMatchObject({
      skill: 'translate',
      switchyard: { taskId: expect.stringMatching(/^t-/) as unknown, taskType: 'a2a', attempt: 1 },
    });

    await control(agent, 'skills', ['translate:text,lang', 'summarize:text']);
    await waitUntil(
      () => listed('a2a-Polyglot')?.capabilities.includes('summarize') === true,
      'the new skill is a capability',
    );
    expect(listed('a2a-Polyglot')?.capabilities).toEqual(['translate', 'summarize']);
    await expect(run('summarize', 'long text')).resolves.toMatchObject({
      status: 'completed',
      agentId: 'a2a-Polyglot',
    });

    await control(agent, 'skills', ['summarize:text']);
    await waitUntil(
      () => listed('a2a-Polyglot')?.capabilities.includes('translate') === false,
      'the removed skill is gone',
    );
    expect(listed('a2a-Polyglot')?.capabilities).toEqual(['summarize']);
  });

  it('maps tags to capabilities when told to, with a prefix', async () => {
    const agent = await agentProcess(['--name', 'Tagged', '--skill', 'translate:text,lang']);
    const a2a = adapter({
      cards: [{ url: agent.url, agentId: 'tagged' }],
      skills: { from: 'id-and-tags', prefix: 'a2a.' },
    });
    await a2a.start();
    expect(listed('tagged')?.capabilities).toEqual(['a2a.translate', 'a2a.text', 'a2a.lang']);
  });

  it('cancels the A2A task when Switchyard cancels the task: the agent sees tasks/cancel and the state is canceled', async () => {
    const agent = await agentProcess(['--name', 'Slow', '--skill', 'work']);
    const a2a = adapter({ cards: [{ url: agent.url }] });
    await a2a.start();
    const taskId = 'cancel-me';
    const running = engine.runTask({
      authToken: TOKEN,
      taskId,
      taskType: 'a2a',
      requiredCapabilities: ['work'],
      taskData: 'slow',
      senderId: 'spec',
      timeoutMs: 60_000,
    });
    running.catch(() => undefined);
    await waitUntil(() => (listed('a2a-Slow')?.load ?? 0) === 1, 'the agent holds the task');
    // The A2A task exists once the agent received the message.
    await expect
      .poll(async () => ((await control(agent, 'received')).received as unknown[]).length, { timeout: 30_000 })
      .toBe(1);
    await engine.cancelTask({ authToken: TOKEN, taskId });
    await expect(running).rejects.toMatchObject({ code: 'TASK_CANCELLED' });
    await expect
      .poll(async () => ((await control(agent, 'cancelled')).cancelled as string[]).length, { timeout: 30_000 })
      .toBe(1);
    // Asked over A2A itself, the agent's task is canceled.
    const [received] = (await control(agent, 'received')).received as { taskId: string }[];
    const client = await new ClientFactory().createFromUrl(agent.url);
    const remote = await client.getTask({ tenant: '', id: received?.taskId ?? '' });
    expect(remote.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });

  it('fails an attempt timed out by callTimeoutMs as A2A_TIMEOUT and cancels the A2A task', async () => {
    const agent = await agentProcess(['--name', 'Stuck', '--skill', 'stuck']);
    const a2a = adapter({ cards: [{ url: agent.url }], callTimeoutMs: 500 });
    await a2a.start();
    const outcome = await engine
      .runTask({
        authToken: TOKEN,
        taskId: 'times-out',
        taskType: 'a2a',
        requiredCapabilities: ['stuck'],
        taskData: { mode: 'slow' },
        senderId: 'spec',
        maxAttempts: 1,
        timeoutMs: 30_000,
      })
      .catch((error: unknown) => error);
    expect(outcome).toMatchObject({ code: 'TASK_DEAD_LETTERED' });
    expect((await engine.getTask({ authToken: TOKEN, taskId: 'times-out' })).error).toMatchObject({
      code: 'A2A_TIMEOUT',
    });
    await expect
      .poll(async () => ((await control(agent, 'cancelled')).cancelled as string[]).length, { timeout: 30_000 })
      .toBe(1);
  });

  it("cancels the A2A task when the orchestrator's attempt timeout ends the attempt", async () => {
    const agent = await agentProcess(['--name', 'Overdue', '--skill', 'overdue']);
    const a2a = adapter({ cards: [{ url: agent.url }] });
    await a2a.start();
    await expect(
      engine.runTask({
        authToken: TOKEN,
        taskId: 'attempt-times-out',
        taskType: 'a2a',
        requiredCapabilities: ['overdue'],
        taskData: 'slow',
        senderId: 'spec',
        attemptTimeoutMs: 1_000,
        maxAttempts: 1,
        timeoutMs: 30_000,
      }),
    ).rejects.toMatchObject({ code: 'TASK_DEAD_LETTERED' });
    await expect
      .poll(async () => ((await control(agent, 'cancelled')).cancelled as string[]).length, { timeout: 30_000 })
      .toBe(1);
  });

  it('fails input-required as A2A_INPUT_REQUIRED (not retried), and the other ends short of completed with their own codes', async () => {
    const agent = await agentProcess(['--name', 'Asks', '--skill', 'ask']);
    const a2a = adapter({ cards: [{ url: agent.url }] });
    await a2a.start();
    for (const [input, code, says] of [
      ['input', 'A2A_INPUT_REQUIRED', 'which language?'],
      ['fail', 'A2A_TASK_FAILED', 'the agent could not do it'],
      ['reject', 'A2A_TASK_REJECTED', 'not my kind of work'],
      ['auth', 'A2A_AUTH_REQUIRED', 'sign in first'],
      ['selfcancel', 'A2A_TASK_CANCELED', 'changed my mind'],
    ] as const) {
      const taskId = `ends-${input}`;
      await expect(
        engine.runTask({
          authToken: TOKEN,
          taskId,
          taskType: 'a2a',
          requiredCapabilities: ['ask'],
          taskData: input,
          senderId: 'spec',
        }),
      ).rejects.toMatchObject({ code: 'TASK_FAILED' });
      const task = await engine.getTask({ authToken: TOKEN, taskId });
      expect(task.error).toMatchObject({ code, message: expect.stringContaining(says) as unknown });
      expect(task.attempts).toBe(1);
    }
    // The input-required and auth-required tasks were cancelled on the agent's side, not left waiting.
    await expect
      .poll(async () => ((await control(agent, 'cancelled')).cancelled as string[]).length, { timeout: 30_000 })
      .toBe(2);
  });

  it('fails an attempt the agent answers with HTTP 500 as A2A_SERVER_ERROR, and opens the circuit after circuitBreaker.failures in a row', async () => {
    const agent = await agentProcess(['--name', 'Failing', '--skill', 'failing']);
    const a2a = adapter({
      cards: [{ url: agent.url }],
      circuitBreaker: { failures: 2, openMs: 500 },
      refreshIntervalMs: 200,
    });
    await a2a.start();
    await control(agent, 'fail-rpc', 1);
    await expect(
      engine.runTask({
        authToken: TOKEN,
        taskId: 'server-error',
        taskType: 'a2a',
        requiredCapabilities: ['failing'],
        taskData: 'x',
        senderId: 'spec',
        maxAttempts: 1,
      }),
    ).rejects.toMatchObject({ code: 'TASK_DEAD_LETTERED' });
    expect((await engine.getTask({ authToken: TOKEN, taskId: 'server-error' })).error).toMatchObject({
      code: 'A2A_SERVER_ERROR',
    });
    // A second failure in a row opens the circuit: the agent goes offline, the task waits for it.
    await control(agent, 'fail-rpc', 1);
    const waiting = run('failing', 'after the circuit', 60_000);
    await waitUntil(() => listed('a2a-Failing')?.status === 'offline', 'the circuit took the agent offline');
    await waitUntil(() => listed('a2a-Failing')?.status === 'online', 'the agent is probed and back after openMs');
    await expect(waiting).resolves.toMatchObject({ status: 'completed', agentId: 'a2a-Failing' });
  });

  it('takes an unreachable agent offline at once and back online when it answers again', async () => {
    const agent = await agentProcess(['--name', 'Flaky', '--skill', 'flaky']);
    const a2a = adapter({ cards: [{ url: agent.url }], refreshIntervalMs: 200 });
    await a2a.start();
    expect(listed('a2a-Flaky')?.status).toBe('online');
    await agent.kill();
    // A task meeting the dead agent takes it offline without using an attempt; it waits in the queue.
    const waiting = run('flaky', 'hello', 60_000);
    await waitUntil(() => listed('a2a-Flaky')?.status === 'offline', 'the agent is offline');
    expect(a2a.agents()[0]?.reachable).toBe(false);
    const again = await agentProcess(['--name', 'Flaky', '--skill', 'flaky'], agent.port);
    await waitUntil(() => listed('a2a-Flaky')?.status === 'online', 'the agent is back online');
    await expect(waiting).resolves.toMatchObject({ status: 'completed', agentId: 'a2a-Flaky' });
    expect(((await control(again, 'received')).received as unknown[]).length).toBe(1);
  });

  it('sends the credentials the card asks for: a bearer token from the environment, an API key from config', async () => {
    const bearer = await agentProcess(['--name', 'Guarded', '--skill', 'guarded', '--bearer', 's3cret']);
    const keyed = await agentProcess(['--name', 'Keyed', '--skill', 'keyed', '--api-key', 'X-Api-Key=k3y']);
    const a2a = adapter(
      {
        cards: [
          { url: bearer.url, auth: { bearer: { env: 'GUARDED_TOKEN' } } },
          { url: keyed.url, auth: { apiKey: { value: 'k3y' } } },
        ],
      },
      { GUARDED_TOKEN: 's3cret' },
    );
    await a2a.start();
    await expect(run('guarded', 'hi')).resolves.toMatchObject({ status: 'completed' });
    await expect(run('keyed', 'hi')).resolves.toMatchObject({ status: 'completed' });

    const wrong = adapter({
      cards: [{ url: bearer.url, agentId: 'wrong', capabilities: ['wrong'], auth: { bearer: { value: 'nope' } } }],
    });
    await wrong.start();
    await expect(
      engine.runTask({
        authToken: TOKEN,
        taskId: 'wrong-token',
        taskType: 'a2a',
        requiredCapabilities: ['wrong'],
        taskData: 'hi',
        senderId: 'spec',
      }),
    ).rejects.toMatchObject({ code: 'TASK_FAILED' });
    expect((await engine.getTask({ authToken: TOKEN, taskId: 'wrong-token' })).error).toMatchObject({
      code: 'A2A_UNAUTHORIZED',
    });
  });

  it('joins the agents a directory lists, and lets one go when it is no longer listed', async () => {
    const first = await agentProcess(['--name', 'First', '--skill', 'one']);
    const second = await agentProcess(['--name', 'Second', '--skill', 'two']);
    let listing = [first.url, second.url];
    const { createServer } = await import('node:http');
    const directory = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(listing));
    });
    await new Promise<void>((resolve) => directory.listen(0, '127.0.0.1', resolve));
    const address = directory.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const a2a = adapter({
        directories: [{ url: `http://127.0.0.1:${String(port)}/agents` }],
        refreshIntervalMs: 200,
      });
      await a2a.start();
      expect(listed('a2a-First')?.capabilities).toEqual(['one']);
      expect(listed('a2a-Second')?.capabilities).toEqual(['two']);
      listing = [first.url];
      await waitUntil(() => listed('a2a-Second') === undefined, 'the unlisted agent left');
      expect(listed('a2a-First')?.status).toBe('online');
    } finally {
      directory.close();
    }
  });
});

describe('A2aAgents options', () => {
  it('leaves the A2A endpoint off unless the config turns it on', () => {
    expect(A2aOptionsSchema.parse({}).server).toMatchObject({ enabled: false, path: '/a2a' });
  });

  it('refuses a missing credential from the environment when the card asks for it, naming the field', async () => {
    const agent = await startA2aAgent(fixture, { args: ['--name', 'NeedsEnv', '--skill', 'x', '--bearer', 't'] });
    const logged: string[] = [];
    const quiet = new SilentLogger();
    const logger: Logger = {
      debug: quiet.debug.bind(quiet),
      info: quiet.info.bind(quiet),
      warn: quiet.warn.bind(quiet),
      error: (message, fields) => {
        logged.push(`${message} ${JSON.stringify(fields)}`);
      },
    };
    const a2a = new A2aAgents(
      { cards: [{ url: agent.url, auth: { bearer: { env: 'MISSING_TOKEN' } } }] },
      () => {
        throw new Error('not reached: the agent does not join');
      },
      logger,
      {},
    );
    try {
      await a2a.start();
      expect(a2a.agents()).toEqual([]);
      expect(logged.join('\n')).toContain('cards[0].auth.bearer');
      expect(logged.join('\n')).toContain('MISSING_TOKEN is not set');
    } finally {
      await a2a.stop();
      await agent.stop();
    }
  });

  it('refuses bad config with a typed error naming the field', () => {
    const connect = (): never => {
      throw new Error('not used');
    };
    const cases: [unknown, string][] = [
      [{}, 'cards'],
      [{ cards: [{ url: 'not a url' }] }, 'cards.0.url'],
      [{ cards: [{ url: 'http://a/', auth: { bearer: { value: 'x', env: 'Y' } } }] }, 'cards.0.auth.bearer.value'],
      [{ cards: [{ url: 'http://a/', auth: { apiKey: { env: 'not a name' } } }] }, 'cards.0.auth.apiKey.env'],
      [{ cards: [{ url: 'http://a/' }, { url: 'http://a/' }] }, 'cards.1.url'],
      [
        {
          cards: [
            { url: 'http://a/', agentId: 'x' },
            { url: 'http://b/', agentId: 'x' },
          ],
        },
        'cards.1.agentId',
      ],
      [{ cards: [{ url: 'http://a/' }], skills: { from: 'names' } }, 'skills.from'],
      [{ cards: [{ url: 'http://a/' }], callTimeoutMs: 0 }, 'callTimeoutMs'],
      [{ cards: [{ url: 'http://a/', capabilities: ['bad name!'] }] }, 'cards.0.capabilities.0'],
    ];
    for (const [server, field] of [
      [{ path: 'a2a' }, 'server.path'],
      [{ path: '/mcp' }, 'server.path'],
      [{ publicUrl: 'nowhere' }, 'server.publicUrl'],
      [{ taskTimeoutMs: -1 }, 'server.taskTimeoutMs'],
    ] as const) {
      const parsed = A2aOptionsSchema.safeParse({ server });
      expect(parsed.success, field).toBe(false);
      expect(
        parsed.error?.issues.map((issue) => issue.path.join('.')),
        field,
      ).toContain(field);
    }
    for (const [options, field] of cases) {
      let thrown: unknown;
      try {
        new A2aAgents(options as ConstructorParameters<typeof A2aAgents>[0], connect);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, field).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(
        (thrown as { issues: { field: string }[] }).issues.map((issue) => issue.field),
        field,
      ).toContain(field);
    }
  });
});
