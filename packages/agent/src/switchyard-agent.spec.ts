import 'reflect-metadata';
import type { Task } from '@switchyard/core';
import type { Envelope, Transport } from '@switchyard/core/internal';
import {
  CommunicationError,
  createCoreModule,
  hashToken,
  OrchestrationEngine,
  TaskExecutionError,
} from '@switchyard/core';
import { nextEnvelopeId, ORCHESTRATOR_ADDRESS, TaskDistributor } from '@switchyard/core/internal';
import { deferred, waitUntil } from '@switchyard/testing';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrchestratorRejectedError } from './orchestrator-rejected-error.js';
import { SwitchyardAgent } from './switchyard-agent.js';
import { TaskFailure } from './task-failure.js';

const TOKEN = 'agent-spec-token';

describe('SwitchyardAgent over the in-memory transport', () => {
  let engine: OrchestrationEngine;
  let distributor: TaskDistributor;
  let bus: MemoryBus;
  const agents: SwitchyardAgent[] = [];

  beforeEach(async () => {
    const container = new Container();
    container.load(
      createCoreModule({
        auth: { tokens: [{ name: 'test', sha256: await hashToken(TOKEN), permissions: ['admin'] }] },
      }),
      createMemoryTransportModule(),
    );
    engine = container.get(OrchestrationEngine);
    distributor = container.get(TaskDistributor);
    bus = container.get(MemoryBus);
    await engine.start();
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await engine.stop();
  });

  function agent(
    agentId: string,
    capabilities: string[],
    handler: ConstructorParameters<typeof SwitchyardAgent>[2],
    capacity?: number,
  ): SwitchyardAgent {
    const created = new SwitchyardAgent(
      { agentId, capabilities, ...(capacity === undefined ? {} : { capacity }) },
      new InMemoryTransport(bus),
      handler,
    );
    agents.push(created);
    return created;
  }

  async function run(requiredCapabilities: string[], taskData: Task['data']): Promise<unknown> {
    const task = await engine.createTask({ authToken: TOKEN, taskType: 'test', requiredCapabilities, taskData });
    return (await engine.executeTask({ authToken: TOKEN, taskId: task.id })).result;
  }

  it('registers on start and answers a task with its handler result', async () => {
    await agent('echo', ['echo'], (task) => ({ echoed: task.data })).start();
    const listed = await engine.listAgents({ authToken: TOKEN });
    expect(listed.map((entry) => entry.id)).toEqual(['echo']);
    expect(await run(['echo'], { text: 'hi' })).toEqual({ echoed: { text: 'hi' } });
  });

  it('changes its capabilities while it runs: the orchestrator routes by the new ones and keeps the task in hand', async () => {
    const release = deferred<undefined>();
    const worker = agent('changing', ['translate'], async () => {
      await release.promise;
      return 'done';
    });
    await worker.start();
    const first = engine.runTask({
      authToken: TOKEN,
      taskId: 'before-change',
      taskType: 'translate',
      requiredCapabilities: ['translate'],
      senderId: 'spec',
    });
    await waitUntil(
      () => distributor.listAgents().find((known) => known.id === 'changing')?.load === 1,
      'the agent holds the task',
    );
    await worker.setCapabilities(['translate', 'summarize']);
    expect(distributor.listAgents().find((known) => known.id === 'changing')?.capabilities).toEqual([
      'translate',
      'summarize',
    ]);
    expect(distributor.listAgents().find((known) => known.id === 'changing')?.load).toBe(1);
    release.resolve(undefined);
    await expect(first).resolves.toMatchObject({ status: 'completed', result: 'done' });
    await expect(
      engine.runTask({
        authToken: TOKEN,
        taskId: 'after-change',
        taskType: 'summarize',
        requiredCapabilities: ['summarize'],
        senderId: 'spec',
      }),
    ).resolves.toMatchObject({ agentId: 'changing', result: 'done' });
    await expect(worker.setCapabilities(['not a capability!'])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('capabilities') as unknown,
    });
    expect(distributor.listAgents().find((known) => known.id === 'changing')?.capabilities).toEqual([
      'translate',
      'summarize',
    ]);
  });

  it('keeps an answer it could not send while the connection was down and delivers it when it is back', async () => {
    const connection = new InMemoryTransport(bus);
    let refusals = 3;
    // The connection is "down" for the first three answers it tries to publish.
    const flaky: Transport = {
      start: () => connection.start(),
      stop: () => connection.stop(),
      send: (envelope) => connection.send(envelope),
      sendDetached: (envelope, onFailure) => {
        connection.sendDetached(envelope, onFailure);
      },
      subscribe: (address, handler) => connection.subscribe(address, handler),
      publish: (envelope) => {
        if (envelope.kind === 'task_response' && refusals > 0) {
          refusals--;
          return Promise.reject(new CommunicationError('TRANSPORT_CLOSED', 'down for a moment'));
        }
        return connection.publish(envelope);
      },
    };
    const patient = new SwitchyardAgent({ agentId: 'patient', capabilities: ['wait'] }, flaky, () => 'worth the wait');
    agents.push(patient);
    await patient.start();
    expect(await run(['wait'], null)).toBe('worth the wait');
    expect(refusals).toBe(0);
  });

  it('ignores an attempt sent again (same fence) while it runs, even when full, and after it answered', async () => {
    const connection = new InMemoryTransport(bus);
    let deliver: ((envelope: Envelope) => unknown) | undefined;
    const requests: Envelope[] = [];
    const answers: Envelope[] = [];
    const watched: Transport = {
      start: () => connection.start(),
      stop: () => connection.stop(),
      send: (envelope) => connection.send(envelope),
      sendDetached: (envelope, onFailure) => {
        connection.sendDetached(envelope, onFailure);
      },
      subscribe: (address, handler) => {
        deliver = handler;
        return connection.subscribe(address, (envelope) => {
          if (envelope.kind === 'task_request') requests.push(envelope);
          return handler(envelope);
        });
      },
      publish: (envelope) => {
        if (envelope.kind === 'task_response') answers.push(envelope);
        return connection.publish(envelope);
      },
    };
    const release = deferred<string>();
    let runs = 0;
    const slow = new SwitchyardAgent({ agentId: 'slow', capabilities: ['slow'], capacity: 1 }, watched, () => {
      runs++;
      return release.promise;
    });
    agents.push(slow);
    await slow.start();
    const task = await engine.createTask({
      authToken: TOKEN,
      taskType: 'test',
      requiredCapabilities: ['slow'],
      taskData: null,
    });
    const outcome = engine.executeTask({ authToken: TOKEN, taskId: task.id });
    await waitUntil(() => runs === 1, 'the first run');
    const [request] = requests;
    if (request === undefined || deliver === undefined) throw new Error('no request');
    // An orchestrator that took the task over sends the same attempt again while it runs (the agent is full: no refusal either).
    await deliver(request);
    expect(runs).toBe(1);
    expect(answers).toHaveLength(0);
    release.resolve('once');
    expect((await outcome).result).toBe('once');
    await waitUntil(() => answers.length === 1, 'the answer');
    // After its answer went out: the orchestrators heard it; the copy is not run again.
    await deliver(request);
    // A fresh task after the copy shows the copy was handled (in order) without a run.
    expect(await run(['slow'], null)).toBe('once');
    expect(runs).toBe(2);
    expect(
      answers.filter((answer) => answer.kind === 'task_response' && answer.payload.taskId === task.id),
    ).toHaveLength(1);
  });

  it('fails the task with the code and permanence a handler gives through TaskFailure', async () => {
    await agent('strict', ['check'], () => {
      throw new TaskFailure('input rejected', { code: 'BAD_INPUT', permanent: true });
    }).start();
    const failure = await run(['check'], null).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskExecutionError);
    expect((failure as TaskExecutionError).details).toMatchObject({
      error: { code: 'BAD_INPUT', message: 'input rejected', permanent: true },
    });
  });

  it('fails the task as HANDLER_ERROR when the handler throws anything else', async () => {
    await agent('broken', ['break'], () => {
      throw new Error('boom');
    }).start();
    const failure = (await run(['break'], null).catch((error: unknown) => error)) as TaskExecutionError;
    expect(failure.details).toMatchObject({ error: { code: 'HANDLER_ERROR', message: 'boom' } });
  });

  it('refuses a result that is not JSON instead of sending something the orchestrator would drop', async () => {
    await agent('odd', ['odd'], () => ({ when: new Date(0) }) as never).start();
    const failure = (await run(['odd'], null).catch((error: unknown) => error)) as TaskExecutionError;
    expect(failure.details).toMatchObject({ error: { code: 'INVALID_RESULT' } });
  });

  it('fails to start with UNKNOWN_ADDRESS when no orchestrator listens', async () => {
    const lonely = new SwitchyardAgent(
      { agentId: 'lonely', capabilities: ['a'] },
      new InMemoryTransport(new MemoryBus()),
      () => null,
    );
    await expect(lonely.start()).rejects.toMatchObject({ code: 'UNKNOWN_ADDRESS' });
    expect(lonely.isRunning).toBe(false);
  });

  it("fails to start with the orchestrator's error code when registration is refused", async () => {
    const otherBus = new MemoryBus();
    const refusing = new InMemoryTransport(otherBus);
    await refusing.start();
    await refusing.subscribe(ORCHESTRATOR_ADDRESS, async (request) => {
      await refusing.send({
        id: nextEnvelopeId(),
        kind: 'ack',
        from: ORCHESTRATOR_ADDRESS,
        to: request.from,
        priority: 'high',
        correlationId: request.id,
        sentAt: Date.now(),
        payload: { ok: false, error: { code: 'FORBIDDEN', message: 'not today' } },
      });
    });
    const refused = new SwitchyardAgent(
      { agentId: 'refused', capabilities: ['a'] },
      new InMemoryTransport(otherBus),
      () => null,
    );
    const failure = await refused.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OrchestratorRejectedError);
    expect(failure).toMatchObject({ code: 'FORBIDDEN', message: 'not today' });
    expect(refused.isRunning).toBe(false);
    await refusing.stop();
  });

  it('fails to start with TIMEOUT when the orchestrator never answers', async () => {
    const otherBus = new MemoryBus();
    const silent = new InMemoryTransport(otherBus);
    await silent.start();
    await silent.subscribe(ORCHESTRATOR_ADDRESS, () => undefined);
    const waiting = new SwitchyardAgent(
      { agentId: 'waiting', capabilities: ['a'], requestTimeoutMs: 50 },
      new InMemoryTransport(otherBus),
      () => null,
    );
    await expect(waiting.start()).rejects.toMatchObject({ code: 'TIMEOUT' });
    await silent.stop();
  });

  it('finishes running tasks, then unregisters, when stopped', async () => {
    let release: () => void = () => undefined;
    const slow = agent(
      'slow',
      ['slow'],
      () =>
        new Promise((resolve) => {
          release = () => {
            resolve('done');
          };
        }),
    );
    await slow.start();
    const task = await engine.createTask({ authToken: TOKEN, taskType: 'test', requiredCapabilities: ['slow'] });
    const result = engine.executeTask({ authToken: TOKEN, taskId: task.id });
    await waitUntil(() => slow.load === 1, 'the agent holds the task');
    const stopping = slow.stop();
    await waitUntil(() => distributor.listAgents()[0]?.status === 'draining', 'the agent is draining');
    expect(distributor.listAgents()[0]?.load).toBe(1);
    release();
    await stopping;
    expect((await result).result).toBe('done');
    expect(await engine.listAgents({ authToken: TOKEN })).toEqual([]);
  });

  it('heartbeats at the interval the orchestrator asks for; a silent agent is marked offline and routed around', async () => {
    const container = new Container();
    container.load(
      createCoreModule({
        agents: { heartbeatIntervalMs: 25, missedHeartbeats: 2 },
        auth: { tokens: [{ name: 'test', sha256: await hashToken(TOKEN), permissions: ['admin'] }] },
      }),
      createMemoryTransportModule(),
    );
    const liveEngine = container.get(OrchestrationEngine);
    const liveDistributor = container.get(TaskDistributor);
    const liveBus = container.get(MemoryBus);
    await liveEngine.start();
    const steadyTransport = new InMemoryTransport(liveBus);
    const doomedTransport = new InMemoryTransport(liveBus);
    const steady = new SwitchyardAgent({ agentId: 'steady', capabilities: ['work'] }, steadyTransport, () => 'steady');
    const doomed = new SwitchyardAgent({ agentId: 'doomed', capabilities: ['work'] }, doomedTransport, () => 'doomed');
    await doomed.start();
    await steady.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(liveDistributor.listAgents().map((agent) => agent.status)).toEqual(['online', 'online']);
    // The process behind 'doomed' vanishes: no unregister, no more heartbeats.
    await doomedTransport.stop();
    await waitUntil(
      () => liveDistributor.getAgent('doomed').status === 'offline',
      'the silent agent is marked offline',
      2_000,
    );
    expect(liveDistributor.getAgent('steady').status).toBe('online');
    const task = await liveEngine.createTask({
      authToken: TOKEN,
      taskType: 't',
      requiredCapabilities: ['work'],
      strategy: 'capability_match',
    });
    await expect(liveEngine.executeTask({ authToken: TOKEN, taskId: task.id })).resolves.toMatchObject({
      agentId: 'steady',
      result: 'steady',
    });
    await steady.stop();
    await liveEngine.stop();
  });

  it('registers again when a heartbeat finds that the orchestrator forgot it', async () => {
    const container = new Container();
    container.load(
      createCoreModule({
        agents: { heartbeatIntervalMs: 20, missedHeartbeats: 5 },
        auth: { tokens: [{ name: 'test', sha256: await hashToken(TOKEN), permissions: ['admin'] }] },
      }),
      createMemoryTransportModule(),
    );
    const liveEngine = container.get(OrchestrationEngine);
    const liveDistributor = container.get(TaskDistributor);
    await liveEngine.start();
    const returning = new SwitchyardAgent(
      { agentId: 'returning', capabilities: ['work'], priority: 4 },
      new InMemoryTransport(container.get(MemoryBus)),
      () => null,
    );
    await returning.start();
    liveDistributor.unregisterAgent('returning');
    await waitUntil(() => liveDistributor.listAgents().length === 1, 'the agent registers again', 2_000);
    expect(liveDistributor.getAgent('returning')).toMatchObject({ status: 'online', priority: 4 });
    await returning.stop();
    await liveEngine.stop();
  });

  it('is online before the orchestrator hears of it: a task sent right after registration is taken, using no extra attempt', async () => {
    // One placeholder slot holds a task, so the next one waits in the queue for the agent that starts.
    distributor.registerAgent({ agentId: 'placeholder', capabilities: ['work'], capacity: 1 });
    await distributor.distributeTask({
      taskId: 'first',
      taskType: 't',
      requiredCapabilities: ['work'],
      senderId: 'spec',
    });
    await distributor.distributeTask({
      taskId: 'waiting',
      taskType: 't',
      requiredCapabilities: ['work'],
      senderId: 'spec',
      maxAttempts: 1,
    });
    const waiting = engine.executeTask({ authToken: TOKEN, taskId: 'waiting' });
    expect(distributor.getTask('waiting').status).toBe('queued');
    // Dispatched the moment the registration is booked, before the agent has its ack.
    await agent('fresh', ['work'], () => 'taken').start();
    await expect(waiting).resolves.toMatchObject({ agentId: 'fresh', result: 'taken', attempt: 1 });
    expect(distributor.getTask('waiting').history.map((attempt) => attempt.outcome)).toEqual(['completed']);
  });

  it('learns through answer_refused that an answer was not booked, and aborts a task the orchestrator cancelled', async () => {
    const started: string[] = [];
    const worker = agent(
      'worker',
      ['work'],
      (task, context) =>
        new Promise((resolve) => {
          started.push(task.id);
          context.signal.addEventListener('abort', () => {
            resolve('aborted');
          });
        }),
    );
    await worker.start();
    await distributor.distributeTask({
      taskId: 'job',
      taskType: 't',
      requiredCapabilities: ['work'],
      senderId: 'spec',
    });
    await waitUntil(() => worker.load === 1, 'the handler runs');
    distributor.cancelTask('job', 'no longer needed');
    await waitUntil(() => worker.load === 0, 'the cancelled handler settled and freed its slot');
    // Its answer was not sent (the task is cancelled): a late answer in its session is refused and told.
    expect(worker.refusedAnswers).toBe(0);
    const wire = new InMemoryTransport(bus);
    await wire.start();
    await wire.publish({
      id: nextEnvelopeId(),
      kind: 'task_response',
      from: 'agent.worker',
      to: ORCHESTRATOR_ADDRESS,
      priority: 'normal',
      sentAt: Date.now(),
      payload: {
        taskId: 'job',
        attempt: 1,
        fence: 'a-late-fence',
        agentId: 'worker',
        status: 'completed',
        result: 1,
        session: distributor.sessionOf('worker'),
      },
    });
    await waitUntil(() => worker.refusedAnswers === 1, 'the agent was told its answer was refused');
    await wire.stop();
    expect(distributor.getTask('job').status).toBe('cancelled');
  });

  it('counts a task by its weight: the handler sees it, and the load it reports rises and falls by it', async () => {
    const letGo = deferred<string>();
    const weights: number[] = [];
    const heavy = agent(
      'heavy',
      ['lift'],
      (task) => {
        weights.push(task.weight);
        return task.weight === 1 ? 'light' : letGo.promise;
      },
      4,
    );
    await heavy.start();
    const task = await engine.createTask({
      authToken: TOKEN,
      taskType: 'test',
      requiredCapabilities: ['lift'],
      taskData: null,
      weight: 3,
    });
    const outcome = engine.executeTask({ authToken: TOKEN, taskId: task.id });
    await waitUntil(() => heavy.load === 3, 'the heavy task in hand');
    expect(distributor.getAgent('heavy').load).toBe(3);
    // One unit left: a light task fits beside it; another heavy one waits for room.
    expect(await run(['lift'], null)).toBe('light');
    const queued = await engine.createTask({
      authToken: TOKEN,
      taskType: 'test',
      requiredCapabilities: ['lift'],
      taskData: null,
      weight: 2,
    });
    const second = engine.executeTask({ authToken: TOKEN, taskId: queued.id });
    await waitUntil(() => distributor.getTask(queued.id).status === 'queued', 'the second heavy task queued');
    letGo.resolve('lifted');
    expect((await outcome).result).toBe('lifted');
    expect((await second).result).toBe('lifted');
    expect(weights).toEqual([3, 1, 2]);
    await waitUntil(() => heavy.load === 0, 'nothing in hand');
    expect(distributor.getAgent('heavy').load).toBe(0);
  });
});

describe('SwitchyardAgent restarting under the same id', () => {
  it('waits while its previous run still holds the id, then takes it over once that run missed its heartbeats', async () => {
    const container = new Container();
    container.load(
      createCoreModule({
        agents: { heartbeatIntervalMs: 100, missedHeartbeats: 2 },
        auth: { tokens: [{ name: 'test', sha256: await hashToken(TOKEN), permissions: ['admin'] }] },
      }),
      createMemoryTransportModule(),
    );
    const engine = container.get(OrchestrationEngine);
    const distributor = container.get(TaskDistributor);
    const bus = container.get(MemoryBus);
    await engine.start();
    const crashedTransport = new InMemoryTransport(bus);
    const first = new SwitchyardAgent(
      { agentId: 'phoenix', capabilities: ['work'] },
      crashedTransport,
      () => 'first run',
    );
    await first.start();
    // The process dies: no unregister, no more heartbeats.
    await crashedTransport.stop();
    const second = new SwitchyardAgent(
      { agentId: 'phoenix', capabilities: ['work'] },
      new InMemoryTransport(bus),
      () => 'second run',
    );
    await second.start();
    expect(distributor.getAgent('phoenix').status).toBe('online');
    const task = await engine.createTask({ authToken: TOKEN, taskType: 'test', requiredCapabilities: ['work'] });
    await expect(engine.executeTask({ authToken: TOKEN, taskId: task.id })).resolves.toMatchObject({
      result: 'second run',
    });
    await second.stop();
    await engine.stop();
  });

  it('gives up when the id stays held for longer than registerWaitMs', async () => {
    const container = new Container();
    container.load(
      createCoreModule({
        agents: { heartbeatIntervalMs: 100, missedHeartbeats: 2 },
        auth: { tokens: [{ name: 'test', sha256: await hashToken(TOKEN), permissions: ['admin'] }] },
      }),
      createMemoryTransportModule(),
    );
    const engine = container.get(OrchestrationEngine);
    const bus = container.get(MemoryBus);
    await engine.start();
    const holder = new SwitchyardAgent(
      { agentId: 'held', capabilities: ['work'] },
      new InMemoryTransport(bus),
      () => 'holder',
    );
    await holder.start();
    const latecomer = new SwitchyardAgent(
      { agentId: 'held', capabilities: ['work'], registerWaitMs: 500 },
      new InMemoryTransport(bus),
      () => 'latecomer',
    );
    await expect(latecomer.start()).rejects.toMatchObject({ code: 'AGENT_ID_IN_USE' });
    expect(latecomer.isRunning).toBe(false);
    await holder.stop();
    await engine.stop();
  });
});
