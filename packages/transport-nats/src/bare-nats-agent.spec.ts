// An agent written with the bare `nats` client and docs/protocol.md only: no Switchyard package
// on the agent side. The orchestrator side is the real engine over the NATS transport.
import type { LogFields, Logger } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import { Container } from 'inversify';
import type { Msg, NatsConnection } from 'nats';
import { connect } from 'nats';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNatsTransportModule } from './create-nats-transport-module.js';

const PREFIX = 'bare';
const TOKEN = 'bare-test-token';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

class RecordingLogger implements Logger {
  readonly warnings: { message: string; fields: LogFields }[] = [];
  debug(): void {}
  info(): void {}
  warn(message: string, fields: LogFields = {}): void {
    this.warnings.push({ message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.warnings.push({ message, fields });
  }
}

let server: NatsServerHandle;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server.stop();
});

describe('an agent that speaks the documented NATS protocol with a plain nats client', () => {
  let engine: OrchestrationEngine;
  let distributor: TaskDistributor;
  let logger: RecordingLogger;
  let agent: NatsConnection;
  let envelopeCounter = 0;
  /** The session from our registration's ack: every later envelope carries it (docs/protocol.md, "Sessions"). */
  let session = '';
  const inbox: Record<string, unknown>[] = [];
  /** The shape of each message that arrived: one envelope, an array, or one with a packed run in it. */
  const shapes: ('envelope' | 'array' | 'run')[] = [];

  /** Registers and keeps the session the ack grants. */
  async function register(payload: Record<string, unknown>): Promise<void> {
    const registration = await toOrchestrator('agent_register', payload);
    await waitUntil(
      () => inbox.some((envelope) => envelope.correlationId === registration),
      'the registration is acknowledged',
    );
    const ack = inbox.find((envelope) => envelope.correlationId === registration) as {
      payload: { ok: boolean; session?: string };
    };
    session = ack.payload.session ?? '';
  }

  /** Publishes an envelope to the orchestrator (step 2 of the doc). */
  async function toOrchestrator(
    kind: string,
    payload: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    envelopeCounter++;
    const id = `bare-${String(envelopeCounter)}`;
    const envelope = {
      id,
      kind,
      from: 'agent.bare-1',
      to: 'orchestrator',
      priority: 'normal',
      sentAt: Date.now(),
      payload,
      ...extra,
    };
    agent.publish(`${PREFIX}.orchestrator`, encoder.encode(JSON.stringify(envelope)));
    await agent.flush();
    return id;
  }

  beforeEach(async () => {
    logger = new RecordingLogger();
    const container = new Container();
    const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }]);
    container.load(
      createCoreModule({}, { authenticator, logger }),
      createNatsTransportModule({ kind: 'nats', servers: [server.url], subjectPrefix: PREFIX }),
    );
    engine = container.get(OrchestrationEngine);
    distributor = container.get(TaskDistributor);
    await engine.start();
    agent = await connect({ servers: server.url });
    inbox.length = 0;
    shapes.length = 0;
    // Step 1 of the doc: subscribe to our subject.
    agent.subscribe(`${PREFIX}.agent.bare-1`, {
      callback: (_error, message: Msg) => {
        // One envelope, a packed run, or an array of those (docs/protocol.md, "Payload").
        const body = JSON.parse(decoder.decode(message.data)) as Record<string, unknown> | Record<string, unknown>[];
        // Runs group envelopes of the same millisecond: an array may hold a run and a straggler.
        const items = Array.isArray(body) ? body : [body];
        shapes.push(items.some((item) => 'payloads' in item) ? 'run' : Array.isArray(body) ? 'array' : 'envelope');
        for (const item of items) {
          if (!('payloads' in item)) {
            inbox.push(item);
            continue;
          }
          const { payloads, id, ...header } = item as { payloads: unknown[]; id: string };
          payloads.forEach((payload, index) => inbox.push({ ...header, id: `${id}.${String(index)}`, payload }));
        }
      },
    });
  });

  afterEach(async () => {
    await agent.close();
    await engine.stop();
  });

  it('registers, receives a task and answers it', async () => {
    const registration = await toOrchestrator('agent_register', {
      agentId: 'bare-1',
      capabilities: ['shout'],
      priority: 2,
      capacity: 4,
    });
    await waitUntil(
      () => inbox.some((envelope) => envelope.correlationId === registration),
      'the registration is acknowledged',
    );
    expect(inbox.find((envelope) => envelope.correlationId === registration)).toMatchObject({
      kind: 'ack',
      payload: {
        ok: true,
        heartbeatIntervalMs: 1_000,
        session: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as unknown,
      },
    });
    session = (inbox.find((envelope) => envelope.correlationId === registration) as { payload: { session: string } })
      .payload.session;
    expect(distributor.getAgent('bare-1')).toMatchObject({
      capabilities: ['shout'],
      priority: 2,
      capacity: 4,
      status: 'online',
    });

    const task = await engine.createTask({
      authToken: TOKEN,
      taskType: 'shout',
      requiredCapabilities: ['shout'],
      taskData: { text: 'hello' },
    });
    const execution = engine.executeTask({ authToken: TOKEN, taskId: task.id });
    await waitUntil(() => inbox.some((envelope) => envelope.kind === 'task_request'), 'the task arrives');
    const request = inbox.find((envelope) => envelope.kind === 'task_request') as {
      id: string;
      payload: { taskId: string; attempt: number; fence: string; data: { text: string } };
    };
    expect(request.payload).toMatchObject({ taskId: task.id, attempt: 1, data: { text: 'hello' } });
    expect(request.payload.fence).toMatch(/^[A-Za-z0-9_-]{16}$/);
    await toOrchestrator(
      'task_response',
      {
        taskId: request.payload.taskId,
        attempt: request.payload.attempt,
        fence: request.payload.fence,
        agentId: 'bare-1',
        status: 'completed',
        result: request.payload.data.text.toUpperCase(),
        session,
      },
      { correlationId: request.id },
    );
    await expect(execution).resolves.toMatchObject({ agentId: 'bare-1', status: 'completed', result: 'HELLO' });

    const status = await toOrchestrator('agent_status', {
      agentId: 'bare-1',
      status: 'draining',
      currentLoad: 0,
      session,
    });
    await waitUntil(() => inbox.some((envelope) => envelope.correlationId === status), 'the status is acknowledged');
    expect(distributor.getAgent('bare-1').status).toBe('draining');
    const leave = await toOrchestrator('agent_unregister', { agentId: 'bare-1', session });
    await waitUntil(
      () => inbox.some((envelope) => envelope.correlationId === leave),
      'the unregistration is acknowledged',
    );
    expect(distributor.listAgents()).toEqual([]);
  });

  it('has malformed or foreign messages rejected, logged, and without effect; the orchestrator keeps working', async () => {
    await register({ agentId: 'bare-1', capabilities: ['shout'] });
    await distributor.distributeTask({
      taskId: 'real',
      taskType: 'shout',
      requiredCapabilities: ['shout'],
      taskData: null,
      senderId: 'test',
    });
    const before = { agents: distributor.listAgents(), tasks: distributor.listTasks() };
    await waitUntil(() => inbox.some((envelope) => envelope.kind === 'task_request'), 'the task request');
    const { fence } = (inbox.find((envelope) => envelope.kind === 'task_request') as { payload: { fence: string } })
      .payload;

    const raw = async (body: string): Promise<void> => {
      agent.publish(`${PREFIX}.orchestrator`, encoder.encode(body));
      await agent.flush();
    };
    await raw('this is not json');
    await raw(JSON.stringify({ kind: 'task_response', payload: { taskId: 'real' } }));
    await toOrchestrator('task_response', {
      taskId: 'no-such-task',
      attempt: 1,
      fence,
      agentId: 'bare-1',
      status: 'completed',
      result: 1,
      session,
    });
    await toOrchestrator('task_response', {
      taskId: 'real',
      attempt: 1,
      fence,
      agentId: 'someone-else',
      status: 'completed',
      result: 'stolen',
      session,
    });
    await toOrchestrator('task_response', {
      taskId: 'real',
      attempt: 7,
      fence,
      agentId: 'bare-1',
      status: 'completed',
      result: 'stale',
      session,
    });
    // Knowing the task id and attempt is not enough: without this attempt's fence the answer is refused.
    await toOrchestrator('task_response', {
      taskId: 'real',
      attempt: 1,
      fence: 'guessed-fence',
      agentId: 'bare-1',
      status: 'completed',
      result: 'forged',
      session,
    });
    await toOrchestrator('task_response', {
      taskId: 'real',
      attempt: 1,
      agentId: 'bare-1',
      status: 'completed',
      result: 'no fence',
      session,
    });
    await toOrchestrator('task_response', {
      taskId: 'real',
      attempt: 1,
      fence,
      agentId: 'bare-1',
      status: 'completed',
      result: 'no session',
    });
    await toOrchestrator('agent_register', { agentId: 'victim', capabilities: ['shout'] });

    // One line per sender and code (repeats are summarised later): the junk and the answer without a fence share one.
    await waitUntil(() => logger.warnings.length >= 6, 'each kind of refusal is logged');
    const reasons = logger.warnings.map((warning) => String(warning.fields.code));
    expect(reasons.filter((code) => code === 'MALFORMED_MESSAGE')).toHaveLength(1);
    expect(reasons).toEqual(
      expect.arrayContaining(['TASK_NOT_FOUND', 'NOT_ASSIGNED_AGENT', 'STALE_ATTEMPT', 'SESSION_INVALID']),
    );
    expect({ agents: distributor.listAgents(), tasks: distributor.listTasks() }).toEqual(before);

    await toOrchestrator('task_response', {
      taskId: 'real',
      attempt: 1,
      fence,
      agentId: 'bare-1',
      status: 'completed',
      result: 'genuine',
      session,
    });
    await waitUntil(() => distributor.getTask('real').status === 'completed', 'the genuine answer still counts');
    expect(distributor.getTask('real').result).toBe('genuine');
  });

  it('gets packed runs only once it has sent one, and arrays before', async () => {
    await register({ agentId: 'bare-1', capabilities: ['shout'], capacity: 8 });
    const distributeThree = (first: number): Promise<unknown> =>
      Promise.all(
        [first, first + 1, first + 2].map((n) =>
          distributor.distributeTask({
            taskId: `t-${String(n)}`,
            taskType: 'shout',
            requiredCapabilities: ['shout'],
            taskData: n,
            senderId: 'test',
          }),
        ),
      );
    const requests = (): { payload: { taskId: string; attempt: number; fence: string; data: number } }[] =>
      inbox.filter((envelope) => envelope.kind === 'task_request') as {
        payload: { taskId: string; attempt: number; fence: string; data: number };
      }[];

    await distributeThree(1);
    await waitUntil(() => requests().length === 3, 'the first three tasks arrive');
    expect(shapes.at(-1)).toBe('array');

    // Answer all three in one packed run: from now on the orchestrator knows this agent reads them.
    envelopeCounter++;
    const payloads = requests().map(({ payload }) => ({
      taskId: payload.taskId,
      attempt: payload.attempt,
      fence: payload.fence,
      agentId: 'bare-1',
      status: 'completed',
      result: payload.data * 10,
      session,
    }));
    const run = {
      id: `bare-${String(envelopeCounter)}`,
      kind: 'task_response',
      from: 'agent.bare-1',
      to: 'orchestrator',
      priority: 'normal',
      sentAt: Date.now(),
      payloads,
    };
    agent.publish(`${PREFIX}.orchestrator`, encoder.encode(JSON.stringify(run)));
    await agent.flush();
    await waitUntil(
      () => ['t-1', 't-2', 't-3'].every((id) => distributor.getTask(id).status === 'completed'),
      'all three answers count',
    );
    expect(['t-1', 't-2', 't-3'].map((id) => distributor.getTask(id).result)).toEqual([10, 20, 30]);

    await distributeThree(4);
    await waitUntil(() => requests().length === 6, 'the next three tasks arrive');
    expect(shapes.at(-1)).toBe('run');
    expect(
      requests()
        .slice(3)
        .map(({ payload }) => payload.taskId),
    ).toEqual(['t-4', 't-5', 't-6']);
  });
});
