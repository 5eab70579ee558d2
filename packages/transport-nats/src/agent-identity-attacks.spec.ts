// Attacks on agent identity from a plain `nats` client that may publish and subscribe anywhere
// (no NATS permissions at all): each must be refused by the orchestrator itself. The honest
// agents are the SDK's, over the NATS transport.
import type { CoreOptionsInput, DistributionEvent, LogFields, Logger } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import { SwitchyardAgent } from '@switchyard/agent';
import type { NatsServerHandle } from '@switchyard/testing';
import { deferred, startNatsServer, waitUntil } from '@switchyard/testing';
import { Container } from 'inversify';
import type { Msg, NatsConnection } from 'nats';
import { connect } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNatsTransportModule } from './create-nats-transport-module.js';
import { NatsTransport } from './nats-transport.js';

const PREFIX = 'attack';
const CLIENT = 'client-token';
const WORKER_TOKEN = 'worker-token';
/** The junk flood's size: 50,000 in the issue; scaled down by default so the shared machine stays usable. */
const FLOOD = Number(process.env.SWITCHYARD_FLOOD ?? 5_000);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

class CountingLogger implements Logger {
  readonly lines: { level: string; message: string; fields: LogFields }[] = [];
  debug(): void {}
  info(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

let server: NatsServerHandle;
beforeAll(async () => {
  // Room for a 5 MB registration, so that the orchestrator (not nats-server) is what refuses it.
  server = await startNatsServer({ config: 'max_payload: 8388608\n' });
});
afterAll(async () => {
  await server.stop();
});

interface Fixture {
  readonly engine: OrchestrationEngine;
  readonly distributor: TaskDistributor;
  readonly logger: CountingLogger;
  readonly events: DistributionEvent[];
  readonly attacker: NatsConnection;
  /** What arrived on subjects the attacker listens to, decoded. */
  readonly overheard: Record<string, unknown>[];
  readonly agents: SwitchyardAgent[];
}

let fixture: Fixture | undefined;

afterEach(async () => {
  if (fixture === undefined) return;
  for (const agent of fixture.agents) await agent.stop();
  await fixture.attacker.close();
  await fixture.engine.stop();
  fixture = undefined;
});

async function setUp(options: CoreOptionsInput = {}): Promise<Fixture> {
  const logger = new CountingLogger();
  const authenticator = await TokenAuthenticator.fromPlainTokens([
    { token: CLIENT, permissions: ['tasks:create', 'tasks:distribute'] },
    {
      token: WORKER_TOKEN,
      name: 'worker',
      permissions: ['agents:register', 'agents:update', 'tasks:respond'],
      agentId: 'worker',
    },
  ]);
  const container = new Container();
  container.load(
    createCoreModule(options, { authenticator, logger }),
    createNatsTransportModule({ kind: 'nats', servers: [server.url], subjectPrefix: PREFIX }),
  );
  const engine = container.get(OrchestrationEngine);
  const distributor = container.get(TaskDistributor);
  const events: DistributionEvent[] = [];
  engine.onEvent((event) => events.push(event));
  await engine.start();
  const attacker = await connect({ servers: server.url, maxPingOut: 100 });
  const overheard: Record<string, unknown>[] = [];
  // Loose permissions: the attacker may listen to every agent's subject.
  attacker.subscribe(`${PREFIX}.agent.>`, {
    callback: (_error, message: Msg) => {
      const body = JSON.parse(decoder.decode(message.data)) as Record<string, unknown> | Record<string, unknown>[];
      for (const item of Array.isArray(body) ? body : [body]) overheard.push(item);
    },
  });
  fixture = { engine, distributor, logger, events, attacker, overheard, agents: [] };
  return fixture;
}

/** An honest agent: the SDK over its own NATS connection. `runs` counts how often each task ran. */
async function honestAgent(
  f: Fixture,
  agentId: string,
  handler: (taskId: string) => unknown,
  extra: { priority?: number; authToken?: string } = {},
): Promise<{ agent: SwitchyardAgent; runs: Map<string, number> }> {
  const runs = new Map<string, number>();
  const transport = new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: PREFIX });
  const agent = new SwitchyardAgent({ agentId, capabilities: ['work'], ...extra }, transport, async (task) => {
    runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
    return (await handler(task.id)) as never;
  });
  await agent.start();
  f.agents.push(agent);
  return { agent, runs };
}

let counter = 0;
/** Publishes one envelope to the orchestrator as the attacker, claiming to be `as`; returns its id. */
async function forge(
  f: Fixture,
  as: string,
  kind: string,
  payload: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  counter++;
  const id = `forged-${String(counter)}`;
  f.attacker.publish(
    `${PREFIX}.orchestrator`,
    encoder.encode(
      JSON.stringify({
        id,
        kind,
        from: `agent.${as}`,
        to: 'orchestrator',
        priority: 'normal',
        sentAt: Date.now(),
        payload,
        ...extra,
      }),
    ),
  );
  await f.attacker.flush();
  return id;
}

async function ackOf(
  f: Fixture,
  requestId: string,
): Promise<{ ok: boolean; session?: string; error?: { code: string } }> {
  await waitUntil(
    () => f.overheard.some((envelope) => envelope.correlationId === requestId),
    `the ack of ${requestId} arrives`,
    20_000,
  );
  return (
    f.overheard.find((envelope) => envelope.correlationId === requestId) as {
      payload: { ok: boolean; session?: string; error?: { code: string } };
    }
  ).payload;
}

const refusals = (f: Fixture, kind: string, code: string): number =>
  f.engine.refusedAgentEnvelopes().find((each) => each.kind === kind && each.code === code)?.count ?? 0;

describe('attacks on agent identity over NATS, from a client with no NATS permissions in its way', () => {
  it('refuses a forged answer that has the right task id, attempt and agent id but not the session', async () => {
    const f = await setUp();
    const gate = deferred<string>();
    await honestAgent(f, 'worker', () => gate.promise);
    const run = f.engine.runTask({
      authToken: CLIENT,
      taskId: 'report',
      taskType: 'w',
      requiredCapabilities: ['work'],
      taskData: null,
      senderId: 'spec',
    });
    await waitUntil(
      () => f.overheard.some((envelope) => envelope.kind === 'task_request'),
      'the task reaches the worker',
    );
    await forge(f, 'worker', 'task_response', {
      taskId: 'report',
      attempt: 1,
      fence: 'a-guessed-fence',
      agentId: 'worker',
      status: 'completed',
      result: 'forged',
    });
    await forge(f, 'worker', 'task_response', {
      taskId: 'report',
      attempt: 1,
      fence: 'a-guessed-fence',
      agentId: 'worker',
      status: 'failed',
      error: { message: 'forged', permanent: true },
      session: 'a-guessed-session-string',
    });
    await waitUntil(
      () => refusals(f, 'task_response', 'SESSION_INVALID') === 2,
      'both forgeries are refused and counted',
      20_000,
    );
    expect(f.distributor.getTask('report')).toMatchObject({ status: 'assigned', result: null });
    gate.resolve('genuine');
    await expect(run).resolves.toMatchObject({ agentId: 'worker', result: 'genuine' });
  });

  it('refuses an id hijack, a spoofed unregister and status, and a status addressed to another agent', async () => {
    const f = await setUp();
    const { runs } = await honestAgent(f, 'worker', (taskId) => taskId.toUpperCase());
    const hijack = await forge(f, 'worker', 'agent_register', {
      agentId: 'worker',
      capabilities: ['evil'],
      capacity: 1,
      instanceId: 'attacker-run',
    });
    expect(await ackOf(f, hijack)).toMatchObject({ ok: false, error: { code: 'AGENT_ID_IN_USE' } });
    const leave = await forge(f, 'worker', 'agent_unregister', { agentId: 'worker' });
    expect(await ackOf(f, leave)).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } });
    const offline = await forge(f, 'worker', 'agent_status', { agentId: 'worker', status: 'offline' });
    expect(await ackOf(f, offline)).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } });
    expect(f.distributor.getAgent('worker')).toMatchObject({
      capabilities: ['work'],
      status: 'online',
      capacity: null,
    });

    // An agent with a valid session of its own may still not address its status to another agent.
    const register = await forge(f, 'other', 'agent_register', { agentId: 'other', capabilities: ['other'] });
    const session = (await ackOf(f, register)).session;
    expect(session).toBeDefined();
    const misaddressed = await forge(
      f,
      'other',
      'agent_status',
      { agentId: 'other', status: 'draining', session },
      { to: 'agent.worker' },
    );
    await waitUntil(() => refusals(f, 'agent_status', 'VALIDATION_FAILED') === 1, 'the misaddressed status is refused');
    expect(
      f.overheard.some(
        (envelope) => envelope.correlationId === misaddressed && (envelope.payload as { ok: boolean }).ok,
      ),
    ).toBe(false);
    expect(f.distributor.getAgent('other').status).toBe('online');

    // The honest agent keeps working, and each task runs once.
    for (const taskId of ['a', 'b', 'c']) {
      await expect(
        f.engine.runTask({
          authToken: CLIENT,
          taskId,
          taskType: 'w',
          requiredCapabilities: ['work'],
          taskData: null,
          senderId: 'spec',
        }),
      ).resolves.toMatchObject({ agentId: 'worker', result: taskId.toUpperCase() });
    }
    expect([...runs.values()]).toEqual([1, 1, 1]);
  });

  it('refuses phantom registrations beyond the per-principal limit, and a 5 MB metadata, while a token holder still joins', async () => {
    const f = await setUp({ agents: { maxAgentsPerPrincipal: 20 } });
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        forge(f, `phantom-${String(index)}`, 'agent_register', {
          agentId: `phantom-${String(index)}`,
          capabilities: ['work'],
          priority: 100,
        }).then((id) => ackOf(f, id)),
      ),
    );
    expect(answers.filter((ack) => ack.ok)).toHaveLength(20);
    expect(answers.filter((ack) => !ack.ok).map((ack) => ack.error?.code)).toEqual(Array(5).fill('AGENT_LIMIT'));
    expect(f.distributor.listAgents()).toHaveLength(20);

    const huge = await forge(f, 'fat', 'agent_register', {
      agentId: 'fat',
      capabilities: ['work'],
      metadata: { blob: 'x'.repeat(5 * 1024 * 1024) },
    });
    expect(await ackOf(f, huge)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: { issues: [{ field: 'metadata' }] } },
    });
    expect(f.distributor.hasAgent('fat')).toBe(false);

    // Its own token gives the honest agent its own quota.
    await honestAgent(f, 'worker', () => 'ok', { authToken: WORKER_TOKEN });
    expect(f.distributor.getAgent('worker').status).toBe('online');
  });

  it('quarantines a black hole that takes tasks and never answers, so honest tasks complete on a healthy agent', async () => {
    const f = await setUp({
      distribution: { defaultStrategy: 'priority_based' },
      tasks: { attemptTimeoutMs: 400, retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 } },
      agents: { quarantineAfterFailures: 2, quarantineInitialMs: 60_000 },
    });
    const { runs } = await honestAgent(f, 'worker', (taskId) => `done ${taskId}`);
    const register = await forge(f, 'hole', 'agent_register', {
      agentId: 'hole',
      capabilities: ['work'],
      priority: 100,
    });
    const session = (await ackOf(f, register)).session;
    // It heartbeats faithfully, with its own valid session: only its silence on tasks gives it away.
    const heartbeat = setInterval(() => {
      void forge(f, 'hole', 'agent_status', { agentId: 'hole', status: 'online', currentLoad: 0, session });
    }, 200);
    try {
      const wave = (size: number, name: string) =>
        Promise.all(
          Array.from({ length: size }, (_, index) =>
            f.engine.runTask({
              authToken: CLIENT,
              taskId: `${name}-${String(index)}`,
              taskType: 'w',
              requiredCapabilities: ['work'],
              taskData: null,
              senderId: 'spec',
              timeoutMs: 60_000,
            }),
          ),
        );
      // The first wave goes to the hole (it has the higher priority), times out, and is retried on the worker.
      const first = await wave(4, 'first');
      expect(first.map((result) => [result.agentId, result.attempt])).toEqual(Array(4).fill(['worker', 2]));
      expect(f.distributor.getAgent('hole').status).toBe('draining');
      // Quarantined, the hole attracts nothing more: the next tasks run on the worker at their first attempt.
      const second = await wave(10, 'second');
      expect(second.map((result) => [result.agentId, result.attempt])).toEqual(Array(10).fill(['worker', 1]));
      expect(
        f.overheard.filter((envelope) => envelope.kind === 'task_request' && envelope.to === 'agent.hole'),
      ).toHaveLength(4);
      expect(
        f.logger.lines.some((line) => line.message.startsWith('agent quarantined') && line.fields.agentId === 'hole'),
      ).toBe(true);
      expect([...runs.values()].every((count) => count === 1)).toBe(true);
    } finally {
      clearInterval(heartbeat);
    }
  });

  it(`survives a flood of ${String(FLOOD)} junk messages: honest agents stay online, no task runs twice, log lines stay bounded`, async () => {
    const f = await setUp({ agents: { heartbeatIntervalMs: 200, missedHeartbeats: 3 } });
    const { runs } = await honestAgent(f, 'worker', (taskId) => taskId);
    const linesBefore = f.logger.lines.length;
    const junk = [
      (n: number) => `not json ${String(n)}`,
      (n: number) => JSON.stringify({ kind: 'task_response', payload: { taskId: `t${String(n)}` } }),
      (n: number) =>
        JSON.stringify({
          id: `j${String(n)}`,
          kind: 'task_response',
          from: 'agent.worker',
          to: 'orchestrator',
          priority: 'normal',
          sentAt: 0,
          payload: {
            taskId: `t${String(n)}`,
            attempt: 1,
            fence: 'a-guessed-fence',
            agentId: 'worker',
            status: 'completed',
            result: n,
          },
        }),
      (n: number) =>
        JSON.stringify({
          id: `j${String(n)}`,
          kind: 'agent_status',
          from: 'agent.worker',
          to: 'orchestrator',
          priority: 'normal',
          sentAt: 0,
          payload: { agentId: 'worker', status: 'offline' },
        }),
      (n: number) =>
        JSON.stringify({
          id: `j${String(n)}`,
          kind: 'agent_register',
          from: `agent.junk-${String(n)}`,
          to: 'orchestrator',
          priority: 'normal',
          sentAt: 0,
          payload: { agentId: `junk-${String(n)}`, capabilities: ['x'.repeat(300)] },
        }),
    ];
    const tasks = Array.from({ length: 20 }, (_, index) =>
      f.engine.runTask({
        authToken: CLIENT,
        taskId: `honest-${String(index)}`,
        taskType: 'w',
        requiredCapabilities: ['work'],
        taskData: null,
        senderId: 'spec',
        timeoutMs: 120_000,
      }),
    );
    for (let n = 0; n < FLOOD; n++) {
      f.attacker.publish(`${PREFIX}.orchestrator`, encoder.encode((junk[n % junk.length] as (n: number) => string)(n)));
      if (n % 1_000 === 999) await f.attacker.flush();
    }
    await f.attacker.flush();
    await expect(Promise.all(tasks)).resolves.toHaveLength(20);
    await waitUntil(
      () => refusals(f, 'agent_status', 'SESSION_INVALID') >= FLOOD / junk.length,
      'the orchestrator has read the whole flood',
      120_000,
    );
    const wentOffline = f.events.filter(
      (event) =>
        event.type === 'agent_status_changed' && event.agent.id === 'worker' && event.agent.status === 'offline',
    );
    expect(wentOffline).toEqual([]);
    expect(f.distributor.getAgent('worker').status).toBe('online');
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    // Per warning message and interval: one line per sender and code (at most 10), then one summary.
    const warnings = f.logger.lines.slice(linesBefore).filter((line) => line.level === 'warn');
    expect(warnings.length).toBeLessThan(60);
    expect(f.distributor.listAgents().map((agent) => agent.id)).toEqual(['worker']);
  });
});
