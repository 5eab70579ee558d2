// The official @a2a-js/sdk client drives Switchyard's A2A endpoint; the work is done by Switchyard SDK agents.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { StreamResponse } from '@a2a-js/sdk';
import { Role, SendMessageRequest, TaskState } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { SwitchyardAgent } from '@switchyard/agent';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import { deferred, waitUntil } from '@switchyard/testing';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2aServer } from './a2a-server.js';

const TOKEN = 'a2a-server-spec';
const READ_ONLY = 'a2a-server-reader';

function send(skill: string | undefined, parts: object[]): SendMessageRequest {
  return SendMessageRequest.fromJSON({
    message: {
      messageId: globalThis.crypto.randomUUID(),
      role: 'ROLE_USER',
      parts,
      ...(skill === undefined ? {} : { metadata: { skill } }),
    },
  });
}

describe('A2aServer driven by the @a2a-js/sdk client', () => {
  let engine: OrchestrationEngine;
  let distributor: TaskDistributor;
  let bus: MemoryBus;
  let http: Server;
  let base: string;
  const agents: SwitchyardAgent[] = [];
  const slowStarted = deferred<undefined>();
  const slowAborted = deferred<undefined>();

  beforeAll(async () => {
    const container = new Container();
    const authenticator = await TokenAuthenticator.fromPlainTokens([
      { token: TOKEN, permissions: ['admin'] },
      { token: READ_ONLY, permissions: ['tasks:read'] },
    ]);
    container.load(createCoreModule({}, { authenticator }), createMemoryTransportModule());
    engine = container.get(OrchestrationEngine);
    distributor = container.get(TaskDistributor);
    bus = container.get(MemoryBus);
    await engine.start();
    const summarizer = new SwitchyardAgent(
      { agentId: 'summarizer', capabilities: ['summarize'], progressIntervalMs: 10 },
      new InMemoryTransport(bus),
      async (task, context) => {
        // Three reports, further apart than the SDK coalesces (progressIntervalMs: 10).
        for (const [index, fraction] of [0.25, 0.5, 0.75].entries()) {
          context.progress({ message: `reading part ${String(index + 1)}`, fraction, partial: { part: index + 1 } });
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
        return { summary: `short: ${JSON.stringify(task.data)}` };
      },
    );
    const slow = new SwitchyardAgent(
      { agentId: 'slow', capabilities: ['slow'] },
      new InMemoryTransport(bus),
      (_task, context) =>
        new Promise((_resolve, reject) => {
          slowStarted.resolve(undefined);
          context.signal.addEventListener('abort', () => {
            slowAborted.resolve(undefined);
            reject(new Error('aborted'));
          });
        }),
    );
    agents.push(summarizer, slow);
    await Promise.all(agents.map((agent) => agent.start()));
    const server = new A2aServer(
      { engine, authenticator, fleet: () => distributor.listAgents() },
      { enabled: true, name: 'Test fleet' },
    );
    const routes = server.routes();
    http = createServer((req, res) => {
      const route = routes.find((candidate) => candidate.path === new URL(req.url ?? '/', 'http://x').pathname);
      if (route === undefined) {
        res.writeHead(404);
        res.end();
        return;
      }
      void route.handle(req, res);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    base = `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}`;
  });

  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
    await Promise.all(agents.map((agent) => agent.stop()));
    await engine.stop();
  });

  async function client(token: string | undefined): Promise<Client> {
    const fetchImpl: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the SDK types its options as a class it does not export
    return new ClientFactory({ transports: [new JsonRpcTransportFactory({ fetchImpl })] }).createFromUrl(base);
  }

  async function collect(stream: AsyncGenerator<StreamResponse>): Promise<StreamResponse[]> {
    const events: StreamResponse[] = [];
    for await (const event of stream) events.push(event);
    return events;
  }

  it("serves a card whose skills are the fleet's capabilities, following agents as they come and go", async () => {
    const card = (await (await fetch(`${base}/.well-known/agent-card.json`)).json()) as Record<string, unknown>;
    expect(card).toMatchObject({
      name: 'Test fleet',
      supportedInterfaces: [{ url: `${base}/a2a`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
      capabilities: { streaming: true },
      securitySchemes: { switchyard: { httpAuthSecurityScheme: { scheme: 'Bearer' } } },
      skills: [
        { id: 'slow', tags: ['slow'] },
        { id: 'summarize', tags: ['summarize'] },
      ],
    });
    const translator = new SwitchyardAgent(
      { agentId: 'translator', capabilities: ['translate'] },
      new InMemoryTransport(bus),
      () => 'ok',
    );
    await translator.start();
    const skillIds = async (): Promise<string[]> =>
      (await (await client(TOKEN)).getAgentCard()).skills.map((skill) => skill.id);
    expect(await skillIds()).toEqual(['slow', 'summarize', 'translate']);
    await translator.stop();
    await waitUntil(() => distributor.listAgents().every((agent) => agent.id !== 'translator'), 'the translator left');
    expect(await skillIds()).toEqual(['slow', 'summarize']);
  });

  it('streams a message to an agent with the named skill: the task, a working update, the result artifact, completed', async () => {
    const a2a = await client(TOKEN);
    const events = await collect(a2a.sendMessageStream(send('summarize', [{ text: 'a long text' }])));
    const kinds = events.map((event) => event.payload?.$case);
    expect(kinds[0]).toBe('task');
    expect(kinds).toContain('artifactUpdate');
    const last = events.at(-1)?.payload;
    expect(last?.$case).toBe('statusUpdate');
    if (last?.$case !== 'statusUpdate') return;
    expect(last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(last.value.metadata).toMatchObject({ switchyard: { agentId: 'summarizer', attempt: 1 } });
    // The agent's progress reports arrive as working status updates: text and, in metadata, fraction and partial.
    const working = events.flatMap((event) =>
      event.payload?.$case === 'statusUpdate' && event.payload.value.status?.state === TaskState.TASK_STATE_WORKING
        ? [event.payload.value]
        : [],
    );
    const reports = working.filter((update) => update.metadata !== undefined);
    expect(reports.map((update) => update.status?.message?.parts[0]?.content)).toEqual(
      [1, 2, 3].map((part) => ({ $case: 'text', value: `reading part ${String(part)}` })),
    );
    expect(reports.map((update) => update.metadata)).toEqual(
      [0.25, 0.5, 0.75].map((fraction, index) => ({
        switchyard: { agentId: 'summarizer', attempt: 1, fraction, partial: { part: index + 1 } },
      })),
    );
    expect(kinds.lastIndexOf('statusUpdate')).toBeGreaterThan(kinds.indexOf('artifactUpdate'));
    const artifact = events.find((event) => event.payload?.$case === 'artifactUpdate')?.payload;
    if (artifact?.$case !== 'artifactUpdate') throw new Error('no artifact');
    expect(artifact.value.artifact?.name).toBe('result');
    expect(artifact.value.artifact?.parts[0]?.content).toEqual({
      $case: 'data',
      value: { summary: 'short: "a long text"' },
    });

    // tasks/get answers the same task, and Switchyard knows it under the same id.
    const taskId = artifact.value.taskId;
    const got = await a2a.getTask({ tenant: '', id: taskId });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(got.artifacts[0]?.name).toBe('result');
    expect(await engine.getTask({ authToken: TOKEN, taskId })).toMatchObject({
      status: 'completed',
      assignedAgentId: 'summarizer',
      requiredCapabilities: ['summarize'],
    });

    // Data parts are the task's data; the blocking send works too.
    const blocking = await a2a.sendMessage(send('summarize', [{ data: { n: 1 } }]));
    expect(blocking).toMatchObject({ status: { state: TaskState.TASK_STATE_COMPLETED } });
  });

  it('maps tasks/cancel to the Switchyard task: the agent is told and the A2A task ends canceled', async () => {
    const a2a = await client(TOKEN);
    const stream = a2a.sendMessageStream(send('slow', [{ text: 'take your time' }]));
    const first = await stream.next();
    if (first.done === true || first.value.payload?.$case !== 'task') throw new Error('no task first');
    const taskId = first.value.payload.value.id;
    await slowStarted.promise;
    const cancelled = await a2a.cancelTask({ tenant: '', id: taskId, metadata: undefined });
    const rest: StreamResponse[] = [];
    for await (const event of stream) rest.push(event);
    await slowAborted.promise;
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    const last = rest.at(-1)?.payload;
    expect(last?.$case === 'statusUpdate' ? last.value.status?.state : undefined).toBe(TaskState.TASK_STATE_CANCELED);
    expect((await engine.getTask({ authToken: TOKEN, taskId })).status).toBe('cancelled');
    expect((await a2a.getTask({ tenant: '', id: taskId })).status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });

  it('refuses a caller without a valid token (401), one without tasks:distribute, and a message naming no known skill, naming the field', async () => {
    await expect((await client(undefined)).sendMessage(send('summarize', [{ text: 'x' }]))).rejects.toThrow(
      /token is required/,
    );
    await expect((await client('wrong')).sendMessage(send('summarize', [{ text: 'x' }]))).rejects.toThrow(/token/i);
    const anonymous = await fetch(`${base}/a2a`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const reader = await (await client(READ_ONLY)).sendMessage(send('summarize', [{ text: 'x' }]));
    expect(reader).toMatchObject({ status: { state: TaskState.TASK_STATE_FAILED } });
    expect(JSON.stringify(reader)).toContain('tasks:distribute');

    const a2a = await client(TOKEN);
    await expect(a2a.sendMessage(send(undefined, [{ text: 'x' }]))).rejects.toThrow(/message\.metadata\.skill/);
    await expect(a2a.sendMessage(send('juggle', [{ text: 'x' }]))).rejects.toThrow(
      /message\.metadata\.skill.*'juggle'/,
    );
    const raw = await fetch(`${base}/a2a`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'a2a-version': '1.0' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'SendMessage',
        params: { message: { messageId: 'm', role: Role[Role.ROLE_USER], parts: [{ text: 'x' }] } },
      }),
    });
    expect(await raw.json()).toMatchObject({
      id: 7,
      error: { code: -32602, data: [{ field: 'message.metadata.skill' }] },
    });
    expect(distributor.listTasks({ limit: 1000 }).some((task) => task.requiredCapabilities.includes('juggle'))).toBe(
      false,
    );
  });
});
