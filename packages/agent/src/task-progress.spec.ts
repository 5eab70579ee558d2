import 'reflect-metadata';
import type { TaskProgressEvent } from '@switchyard/core';
import { createCoreModule, hashToken, OrchestrationEngine } from '@switchyard/core';
import type { Envelope, Transport } from '@switchyard/core/internal';
import { agentAddress, nextEnvelopeId, ORCHESTRATOR_ADDRESS, TaskDistributor } from '@switchyard/core/internal';
import { deferred, waitUntil } from '@switchyard/testing';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SwitchyardAgent } from './switchyard-agent.js';

const TOKEN = 'progress-spec-token';

describe('progress from an SDK agent to the engine’s callers (in-memory transport)', () => {
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
    handler: ConstructorParameters<typeof SwitchyardAgent>[2],
    transport: Transport = new InMemoryTransport(bus),
    capabilities = ['work'],
  ): SwitchyardAgent {
    const created = new SwitchyardAgent({ agentId, capabilities }, transport, handler);
    agents.push(created);
    return created;
  }

  it('runTask’s onProgress hears the first report and the last, coalesced one before the result', async () => {
    await agent('worker', (task, context) => {
      for (let step = 1; step <= 50; step++) context.progress({ message: `step ${String(step)}`, fraction: step / 50 });
      return { done: task.id };
    }).start();
    const heard: TaskProgressEvent[] = [];
    let resultSettled = false;
    const result = await engine.runTask({
      authToken: TOKEN,
      taskId: 'progress-1',
      taskType: 'work',
      requiredCapabilities: ['work'],
      taskData: null,
      senderId: 'spec',
      onProgress: (event) => {
        expect(resultSettled).toBe(false);
        heard.push(event);
      },
    });
    resultSettled = true;
    expect(result.result).toEqual({ done: result.taskId });
    // 50 synchronous reports within one interval: the first went at once, the other 49 were
    // coalesced into the latest, which went out just before the answer.
    expect(heard.map((event) => event.message)).toEqual(['step 1', 'step 50']);
    expect(heard[1]).toMatchObject({ taskId: result.taskId, attempt: 1, agentId: 'worker', fraction: 1 });
    expect(typeof heard[1]?.at).toBe('number');
    const task = await engine.getTask({ authToken: TOKEN, taskId: result.taskId });
    expect(task.progress).toMatchObject({ message: 'step 50', fraction: 1, attempt: 1 });
  });

  it('executeTask’s onProgress and onTaskProgress listeners hear reports while the task runs', async () => {
    const release = deferred<undefined>();
    await agent('worker', async (_task, context) => {
      context.progress({ message: 'working', fraction: 0.25, partial: { rows: [1, 2] } });
      await release.promise;
      return 'ok';
    }).start();
    const everyTask: TaskProgressEvent[] = [];
    const stopListening = engine.onTaskProgress((event) => everyTask.push(event));
    const created = await engine.createTask({ authToken: TOKEN, taskType: 'work', requiredCapabilities: ['work'] });
    const caller: TaskProgressEvent[] = [];
    const running = engine.executeTask({
      authToken: TOKEN,
      taskId: created.id,
      onProgress: (event) => caller.push(event),
    });
    await waitUntil(() => caller.length === 1, 'the report');
    expect(caller[0]).toMatchObject({
      taskId: created.id,
      message: 'working',
      fraction: 0.25,
      partial: { rows: [1, 2] },
    });
    expect(everyTask).toEqual(caller);
    expect((await engine.getTask({ authToken: TOKEN, taskId: created.id })).progress).toMatchObject({
      message: 'working',
    });
    release.resolve(undefined);
    expect((await running).result).toBe('ok');
    stopListening();
  });

  it('a handler never sees a transport failure of its progress: the task still completes', async () => {
    const connection = new InMemoryTransport(bus);
    // A connection that cannot publish progress reports (answers go through).
    const noProgress: Transport = {
      start: () => connection.start(),
      stop: () => connection.stop(),
      send: (envelope) => connection.send(envelope),
      sendDetached: (envelope, onFailure) => {
        connection.sendDetached(envelope, onFailure);
      },
      publish: (envelope) =>
        envelope.kind === 'task_progress' ? Promise.reject(new Error('link down')) : connection.publish(envelope),
      subscribe: (address, handler) => connection.subscribe(address, handler),
    };
    await agent(
      'worker',
      (_task, context) => {
        context.progress({ message: 'lost on the way' });
        return 'done anyway';
      },
      noProgress,
    ).start();
    const heard: TaskProgressEvent[] = [];
    const result = await engine.runTask({
      authToken: TOKEN,
      taskId: 'progress-2',
      taskType: 'work',
      requiredCapabilities: ['work'],
      taskData: null,
      senderId: 'spec',
      onProgress: (event) => heard.push(event),
    });
    expect(result.result).toBe('done anyway');
    expect(heard).toEqual([]);
  });

  it('drops and counts a report that is not from the holder of the attempt, forwarding nothing', async () => {
    const started = deferred<{ taskId: string; attempt: number }>();
    const release = deferred<undefined>();
    await agent('worker', async (task) => {
      started.resolve({ taskId: task.id, attempt: task.attempt });
      await release.promise;
      return 'ok';
    }).start();
    await agent('bystander', () => 'never asked', new InMemoryTransport(bus), ['other']).start();
    const heard: TaskProgressEvent[] = [];
    engine.onTaskProgress((event) => heard.push(event));
    const running = engine.runTask({
      authToken: TOKEN,
      taskId: 'progress-3',
      taskType: 'work',
      requiredCapabilities: ['work'],
      taskData: null,
      senderId: 'spec',
    });
    const { taskId, attempt } = await started.promise;
    const holder = 'worker';
    const other = 'bystander';
    const forger = new InMemoryTransport(bus);
    await forger.start();
    const forge = (agentId: string, payload: Record<string, unknown>): Promise<void> =>
      forger.publish({
        id: nextEnvelopeId(),
        kind: 'task_progress',
        from: agentAddress(agentId),
        to: ORCHESTRATOR_ADDRESS,
        priority: 'normal',
        sentAt: Date.now(),
        payload: { taskId, attempt, agentId, message: 'forged', ...payload },
      } as Envelope);
    const session = (agentId: string): string => distributor.sessionOf(agentId) ?? '';
    await forge(holder, { fence: 'not-the-fence', session: session(holder) });
    await forge(holder, { fence: 'not-the-fence', session: 'x'.repeat(32) });
    await forge(other, { fence: 'not-the-fence', session: session(other) });
    await forge(holder, { attempt: attempt + 1, fence: 'not-the-fence', session: session(holder) });
    await waitUntil(
      () => engine.droppedProgressReports().reduce((sum, entry) => sum + entry.count, 0) === 4,
      'four dropped reports',
    );
    expect(Object.fromEntries(engine.droppedProgressReports().map((entry) => [entry.code, entry.count]))).toEqual({
      STALE_ATTEMPT: 2,
      SESSION_INVALID: 1,
      NOT_ASSIGNED_AGENT: 1,
    });
    expect(heard).toEqual([]);
    expect(distributor.getTask(taskId).progress).toBeUndefined();
    release.resolve(undefined);
    await running;
    // The holder's own fence, once the task has finished, and a task nobody knows: dropped too.
    expect(distributor.getTask(taskId).status).toBe('completed');
    await forge(holder, { fence: 'after-the-answer', session: session(holder) });
    await forge(holder, { taskId: 'no-such-task', fence: 'any', session: session(holder) });
    const pending = await engine.createTask({ authToken: TOKEN, taskType: 'work', requiredCapabilities: ['work'] });
    await forge(holder, { taskId: pending.id, fence: 'any', session: session(holder) });
    await waitUntil(
      () => engine.droppedProgressReports().reduce((sum, entry) => sum + entry.count, 0) === 7,
      'seven dropped reports',
    );
    expect(Object.fromEntries(engine.droppedProgressReports().map((entry) => [entry.code, entry.count]))).toMatchObject(
      {
        TASK_ALREADY_FINISHED: 1,
        TASK_NOT_FOUND: 1,
        TASK_NOT_ASSIGNED: 1,
      },
    );
    expect(heard).toEqual([]);
    await forger.stop();
  });

  it('refuses a non-function onProgress with a ValidationError naming the field, and starts no task', async () => {
    await expect(
      engine.runTask({
        authToken: TOKEN,
        taskId: 'bad-listener',
        taskType: 'work',
        requiredCapabilities: ['work'],
        taskData: null,
        senderId: 'spec',
        onProgress: 'not a function' as unknown as () => void,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ field: 'onProgress' }] });
    await expect(engine.getTask({ authToken: TOKEN, taskId: 'bad-listener' })).rejects.toMatchObject({
      code: 'TASK_NOT_FOUND',
    });
  });
});
