import type { CoreOptionsInput, JsonValue } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import type { AgentTask, TaskContext } from '@switchyard/agent';
import { SwitchyardAgent } from '@switchyard/agent';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import { Container } from 'inversify';
import type { KvEntry, NatsConnection, QueuedIterator } from 'nats';
import { connect, KvWatchInclude } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJetStreamDurabilityModule } from './create-jetstream-durability-module.js';
import { createNatsTransportModule } from './create-nats-transport-module.js';
import { NatsTransport } from './nats-transport.js';

const TOKEN = 'durable-cancel-spec';

interface Orchestrator {
  readonly engine: OrchestrationEngine;
  readonly distributor: TaskDistributor;
}

let server: NatsServerHandle;
let prefix: string;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  server = await startNatsServer();
  prefix = `cancel${String(Math.floor(Math.random() * 1e9))}`;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await server.stop();
});

async function startOrchestrator(orchestratorId: string, options: CoreOptionsInput = {}): Promise<Orchestrator> {
  const transport = { kind: 'nats' as const, servers: [server.url], subjectPrefix: prefix };
  const container = new Container();
  const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }]);
  container.load(
    // Attempts never time out within a test: only the cancellation can end them.
    createCoreModule(
      { tasks: { attemptTimeoutMs: 600_000 }, agents: { heartbeatIntervalMs: 200, missedHeartbeats: 25 }, ...options },
      { authenticator },
    ),
    createNatsTransportModule(transport),
    createJetStreamDurabilityModule(transport, { kind: 'jetstream', orchestratorId, ackWaitMs: 5_000 }),
  );
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  cleanups.push(() => engine.stop());
  return { engine, distributor: container.get(TaskDistributor) };
}

/** An agent whose handler runs until its signal aborts; it records the abort reasons. */
async function startHangingAgent(
  agentId: string,
  capacity: number,
): Promise<{ agent: SwitchyardAgent; started: string[]; aborted: string[] }> {
  const started: string[] = [];
  const aborted: string[] = [];
  const handler = (task: AgentTask, context: TaskContext): Promise<JsonValue> =>
    new Promise((_resolve, reject) => {
      started.push(task.id);
      context.signal.addEventListener('abort', () => {
        aborted.push(`${task.id} ${(context.signal.reason as Error).message}`);
        reject(context.signal.reason as Error);
      });
    });
  const agent = new SwitchyardAgent(
    { agentId, capabilities: ['work'], capacity, cancelGraceMs: 5_000 },
    new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: prefix }),
    handler,
  );
  await agent.start();
  cleanups.push(() => agent.stop());
  return { agent, started, aborted };
}

function submit(orchestrator: Orchestrator, taskId: string): Promise<unknown> {
  return orchestrator.engine.distributeTask({
    authToken: TOKEN,
    taskId,
    taskType: 'w',
    requiredCapabilities: ['work'],
    taskData: null,
    senderId: 'spec',
  });
}

/** Every write of the task's KV entry from now on, as a raw watch sees it (the bucket keeps one revision). */
async function watchWrites(taskId: string): Promise<{ statuses: string[]; stop(): void }> {
  const connection: NatsConnection = await connect({ servers: server.url });
  cleanups.push(() => connection.close());
  const kv = await connection.jetstream().views.kv(`${prefix}_tasks`);
  const watch: QueuedIterator<KvEntry> = await kv.watch({
    key: Buffer.from(taskId, 'utf8').toString('base64url'),
    include: KvWatchInclude.UpdatesOnly,
  });
  const writes = {
    statuses: [] as string[],
    stop: () => {
      watch.stop();
    },
  };
  void (async () => {
    for await (const entry of watch) {
      if (entry.operation !== 'PUT') continue;
      writes.statuses.push(entry.json<{ status: string }>().status);
    }
  })();
  return writes;
}

/** The KV revision of the task's entry; undefined when there is none. */
async function revisionOf(taskId: string): Promise<number | undefined> {
  const connection = await connect({ servers: server.url });
  try {
    const entry = await (
      await connection.jetstream().views.kv(`${prefix}_tasks`)
    ).get(Buffer.from(taskId, 'utf8').toString('base64url'));
    return entry === null || entry.operation !== 'PUT' ? undefined : entry.revision;
  } finally {
    await connection.close();
  }
}

async function workItems(): Promise<number> {
  const connection = await connect({ servers: server.url });
  try {
    return (await (await connection.jetstreamManager()).streams.info(`${prefix}_work`)).state.messages;
  } finally {
    await connection.close();
  }
}

async function eventually(read: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await read())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Which of the two runs the task (took its work item): the other is the one a user may happen to ask. */
function ownerOf(
  taskId: string,
  first: Orchestrator,
  second: Orchestrator,
): { owner: Orchestrator; other: Orchestrator } | undefined {
  const holds = (orchestrator: Orchestrator): boolean =>
    orchestrator.distributor.listTasks().some((task) => task.id === taskId);
  if (holds(first)) return { owner: first, other: second };
  if (holds(second)) return { owner: second, other: first };
  return undefined;
}

describe('cancelling a durable task through the orchestrator that does not run it', () => {
  it('cancels a running task once: the owner tells the agent, callers on both get TASK_CANCELLED, the work item is done', async () => {
    const a = await startOrchestrator('orch-a');
    const b = await startOrchestrator('orch-b');
    const { agent, started, aborted } = await startHangingAgent('worker', 2);
    await waitUntil(
      () => a.distributor.listAgents().length === 1 && b.distributor.listAgents().length === 1,
      'both orchestrators know the agent',
    );
    await submit(a, 'running');
    await waitUntil(() => started.includes('running'), 'the handler runs');
    const roles = ownerOf('running', a, b);
    if (roles === undefined) throw new Error('nobody holds the task');
    const { owner, other } = roles;
    const waitingOnOwner = owner.engine
      .executeTask({ authToken: TOKEN, taskId: 'running', timeoutMs: 60_000 })
      .catch((error: unknown) => error);
    const waitingOnOther = other.engine
      .executeTask({ authToken: TOKEN, taskId: 'running', timeoutMs: 60_000 })
      .catch((error: unknown) => error);
    const writes = await watchWrites('running');
    // What metrics and logs count: each orchestrator counts the final states it wrote, none it heard of.
    const counted: string[] = [];
    for (const [name, orchestrator] of [
      ['owner', owner],
      ['other', other],
    ] as const) {
      orchestrator.engine.onEvent((event) => {
        if (event.type === 'task_finished' && event.elsewhere !== true)
          counted.push(`${name} ${event.task.id} ${event.task.status}`);
      });
    }

    const cancelled = await other.engine.cancelTask({
      authToken: TOKEN,
      taskId: 'running',
      reason: 'user pressed stop',
    });
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      error: { code: 'TASK_CANCELLED', message: 'user pressed stop' },
    });
    expect(cancelled.history.at(-1)).toMatchObject({ attempt: 1, agentId: 'worker', outcome: 'cancelled' });
    expect(await waitingOnOwner).toMatchObject({ code: 'TASK_CANCELLED' });
    expect(await waitingOnOther).toMatchObject({ code: 'TASK_CANCELLED' });
    // The owner heard the final state, dropped its copy and told the agent: the handler aborted, its slot is free.
    await waitUntil(
      () => aborted.length === 1 && agent.load === 0,
      'the handler to be aborted and its slot freed',
      20_000,
    );
    expect(aborted).toEqual(['running TASK_CANCELLED: user pressed stop']);
    await waitUntil(() => owner.distributor.listTasks().length === 0, 'the owner to let go of its copy', 20_000);
    await eventually(async () => (await workItems()) === 0, 'the work item to be acknowledged');
    for (const orchestrator of [a, b])
      await expect(orchestrator.engine.getTask({ authToken: TOKEN, taskId: 'running' })).resolves.toMatchObject({
        status: 'cancelled',
      });

    // A second cancel, through either, is refused and writes nothing.
    await expect(other.engine.cancelTask({ authToken: TOKEN, taskId: 'running' })).rejects.toMatchObject({
      code: 'TASK_ALREADY_FINISHED',
    });
    await expect(owner.engine.cancelTask({ authToken: TOKEN, taskId: 'running' })).rejects.toMatchObject({
      code: 'TASK_ALREADY_FINISHED',
    });
    await waitUntil(() => writes.statuses.length >= 1, 'the watch to see the final write');
    writes.stop();
    // Exactly one write after the cancel: the final state; nobody rewrote it.
    expect(writes.statuses).toEqual(['cancelled']);
    expect(started).toEqual(['running']);
    expect(counted).toEqual(['other running cancelled']);
    // The orchestrator it was cancelled through lists it among its cancelled tasks.
    expect((await other.engine.listTasks({ authToken: TOKEN, status: 'cancelled' })).map((task) => task.id)).toEqual([
      'running',
    ]);
  });

  it("cancels a task waiting in its owner's queue: it never reaches the agent", async () => {
    const a = await startOrchestrator('orch-a');
    const b = await startOrchestrator('orch-b');
    const { agent, started } = await startHangingAgent('single', 1);
    await waitUntil(
      () => a.distributor.listAgents().length === 1 && b.distributor.listAgents().length === 1,
      'both orchestrators know the agent',
    );
    await submit(a, 'first');
    await waitUntil(() => started.includes('first'), 'the first task runs');
    await submit(b, 'second');
    // The agent is full: whoever took the second task keeps it queued.
    await waitUntil(() => ownerOf('second', a, b) !== undefined, 'some orchestrator to take the second task');
    const roles = ownerOf('second', a, b);
    if (roles === undefined) throw new Error('nobody holds the task');
    // An owner that did not know the agent full sends it anyway and is refused (AGENT_AT_CAPACITY): queued again.
    await waitUntil(
      () => roles.owner.distributor.getTask('second').status === 'queued',
      "the second task to wait in its owner's queue",
    );

    await expect(
      roles.other.engine.cancelTask({ authToken: TOKEN, taskId: 'second', reason: 'not needed' }),
    ).resolves.toMatchObject({ status: 'cancelled' });
    await waitUntil(
      () => !roles.owner.distributor.listTasks().some((task) => task.id === 'second'),
      'the owner to drop it from its queue',
      20_000,
    );
    // Capacity comes back: the cancelled task is not sent.
    const firstRoles = ownerOf('first', a, b);
    if (firstRoles === undefined) throw new Error('nobody holds the first task');
    await firstRoles.owner.engine.cancelTask({ authToken: TOKEN, taskId: 'first' });
    await waitUntil(() => agent.load === 0, 'the agent to be free');
    await eventually(async () => (await workItems()) === 0, 'both work items to be acknowledged');
    expect(started).toEqual(['first']);
    for (const orchestrator of [a, b]) {
      const second = await orchestrator.engine.getTask({ authToken: TOKEN, taskId: 'second' });
      expect(second.status).toBe('cancelled');
      // At most hand-overs the full agent turned down.
      expect(second.history.filter((attempt) => attempt.outcome !== 'refused')).toEqual([]);
    }
  });

  it('refuses to cancel a finished, an unknown or a malformed task through either orchestrator, changing nothing', async () => {
    const a = await startOrchestrator('orch-a');
    const b = await startOrchestrator('orch-b');
    const agent = new SwitchyardAgent(
      { agentId: 'echo', capabilities: ['work'] },
      new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: prefix }),
      (task) => task.data,
    );
    await agent.start();
    cleanups.push(() => agent.stop());
    await waitUntil(
      () => a.distributor.listAgents().length === 1 && b.distributor.listAgents().length === 1,
      'both orchestrators know the agent',
    );
    await submit(a, 'done');
    const finished = await b.engine.executeTask({ authToken: TOKEN, taskId: 'done', timeoutMs: 20_000 });
    expect(finished.status).toBe('completed');
    const revisionBefore = await revisionOf('done');
    for (const orchestrator of [a, b]) {
      await expect(orchestrator.engine.cancelTask({ authToken: TOKEN, taskId: 'done' })).rejects.toMatchObject({
        code: 'TASK_ALREADY_FINISHED',
      });
      await expect(orchestrator.engine.cancelTask({ authToken: TOKEN, taskId: 'never-was' })).rejects.toMatchObject({
        code: 'TASK_NOT_FOUND',
      });
      await expect(orchestrator.engine.cancelTask({ authToken: TOKEN, taskId: '' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(orchestrator.engine.getTask({ authToken: TOKEN, taskId: 'done' })).resolves.toMatchObject({
        status: 'completed',
        result: null,
      });
    }
    expect(await revisionOf('done')).toBe(revisionBefore);
    expect(await revisionOf('never-was')).toBeUndefined();
  });
});
