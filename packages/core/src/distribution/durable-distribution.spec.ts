import 'reflect-metadata';
import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreModule } from '../di/create-core-module.js';
import { TOKENS } from '../di/tokens.js';
import { OrchestrationEngine } from '../engine/orchestration-engine.js';
import { ORCHESTRATOR_ADDRESS } from '../models/addresses.js';
import type { Envelope } from '../models/envelope.js';
import { RecordingTransport } from '../testing/recording-transport.test-helpers.js';
import { InMemoryJournalStore } from './in-memory-task-journal.js';
import type { InMemoryTaskJournal } from './in-memory-task-journal.js';
import { TaskDistributor } from './task-distributor.js';

interface Orchestrator {
  readonly engine: OrchestrationEngine;
  readonly distributor: TaskDistributor;
  readonly transport: RecordingTransport;
  readonly journal: InMemoryTaskJournal;
}

type TaskRequest = Extract<Envelope, { kind: 'task_request' }>;

const X_SESSION = 'agent-x-session-0000001';

const running: OrchestrationEngine[] = [];

afterEach(async () => {
  for (const engine of running.splice(0)) await engine.stop().catch(() => undefined);
});

/** One orchestrator on the shared store, with agent `x` (attempts never time out within a test). */
async function orchestrator(store: InMemoryJournalStore, orchestratorId: string): Promise<Orchestrator> {
  const container = new Container();
  const transport = new RecordingTransport();
  const journal = store.journal(orchestratorId);
  container.load(createCoreModule({ tasks: { attemptTimeoutMs: 3_600_000 } }));
  container.bind(TOKENS.Transport).toConstantValue(transport);
  container.bind(TOKENS.TaskJournal).toConstantValue(journal);
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  running.push(engine);
  const distributor = container.get(TaskDistributor);
  // Over the transport, with the session its answers carry: every orchestrator hears the registration.
  distributor.registerAgent({ agentId: 'x', capabilities: ['work'] }, true, { owner: 'spec', session: X_SESSION });
  return { engine, distributor, transport, journal };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function requestsFor(orchestrator: Orchestrator, taskId: string): TaskRequest[] {
  return orchestrator.transport.taskRequests().filter((request) => request.payload.taskId === taskId);
}

/** The agent's answer as the transport delivers it to one orchestrator. */
function answerVia(orchestrator: Orchestrator, request: TaskRequest, fence = request.payload.fence): Promise<void> {
  return orchestrator.transport.inject({
    id: `answer-${request.payload.taskId}-${fence}`,
    kind: 'task_response',
    from: 'agent.x',
    to: ORCHESTRATOR_ADDRESS,
    priority: 'normal',
    sentAt: Date.now(),
    payload: {
      taskId: request.payload.taskId,
      attempt: request.payload.attempt,
      fence,
      agentId: 'x',
      status: 'completed',
      result: 'done',
      session: X_SESSION,
    },
  });
}

function task(taskId: string) {
  return { taskId, taskType: 'test', requiredCapabilities: ['work'], taskData: null, senderId: 'spec' };
}

function finalWrites(store: InMemoryJournalStore, taskId: string): string[] {
  return store
    .writesOf(taskId)
    .map((entry) => entry.status)
    .filter((status) => status === 'completed' || status === 'failed' || status === 'dead_lettered');
}

describe('durable distribution: several orchestrators on one journal', () => {
  it('two orchestrators racing to claim one task: the lost compare-and-set sends nothing, the task runs once', async () => {
    const store = new InMemoryJournalStore();
    const a = await orchestrator(store, 'a');
    const b = await orchestrator(store, 'b');
    store.pauseWrites();
    await a.distributor.distributeTask(task('t1'));
    // Whoever took the work item is claiming it (the write waits); JetStream then hands the item to the other too.
    await until(
      () =>
        store.writesOf('t1').length === 1 &&
        (a.distributor.listTasks().length === 1 || b.distributor.listTasks().length === 1),
      'the first claim',
    );
    const [first, second] = a.distributor.listTasks().length === 1 ? [a, b] : [b, a];
    await until(() => first.distributor.listTasks()[0]?.status === 'assigned', 'the first claim to start');
    store.redeliver('t1', second.journal);
    await until(() => second.distributor.listTasks()[0]?.status === 'assigned', 'the second claim to start');
    store.resumeWrites();
    await until(() => requestsFor(first, 't1').length === 1, 'the winner to send');
    await until(() => second.distributor.listTasks().length === 0, 'the loser to let go');
    expect(requestsFor(second, 't1')).toHaveLength(0);
    expect(
      store
        .writesOf('t1')
        .filter((entry) => entry.status === 'assigned')
        .map((entry) => entry.writtenBy),
    ).toEqual([first.journal.orchestratorId]);
    const [request] = requestsFor(first, 't1');
    if (request === undefined) throw new Error('no request');
    await answerVia(first, request);
    await until(() => finalWrites(store, 't1').length === 1, 'the final state');
    expect(finalWrites(store, 't1')).toEqual(['completed']);
  });

  it('two owners of one attempt: the answer is booked once and the final state is never rewritten', async () => {
    const store = new InMemoryJournalStore();
    const a = await orchestrator(store, 'a');
    const b = await orchestrator(store, 'b');
    await a.distributor.distributeTask(task('t2'));
    await until(() => requestsFor(a, 't2').length + requestsFor(b, 't2').length === 1, 'the first send');
    const [owner, other] = requestsFor(a, 't2').length === 1 ? [a, b] : [b, a];
    // The owner stalls past its ack wait: the work item goes to the other, which resends the same attempt.
    store.redeliver('t2', other.journal);
    await until(() => requestsFor(other, 't2').length === 1, 'the take-over resend');
    const [sent] = requestsFor(owner, 't2');
    const [resent] = requestsFor(other, 't2');
    if (sent === undefined || resent === undefined) throw new Error('no request');
    expect({ attempt: resent.payload.attempt, fence: resent.payload.fence }).toEqual({
      attempt: sent.payload.attempt,
      fence: sent.payload.fence,
    });
    // The agent answers both copies (an agent that dedups would answer once; this is the worst case).
    await answerVia(owner, sent);
    await answerVia(other, resent);
    await until(
      () =>
        owner.distributor.listTasks().every((entry) => entry.status === 'completed') &&
        other.distributor.listTasks().every((entry) => entry.status === 'completed'),
      'both to settle',
    );
    await until(() => store.writesOf('t2').at(-1)?.status === 'completed', 'the final state');
    expect(finalWrites(store, 't2')).toEqual(['completed']);
    expect(store.writesOf('t2').at(-1)?.status).toBe('completed');
    // The final state is the agent's answer to the attempt both held: nobody tells the agent to stop.
    expect(
      [...owner.transport.sent, ...other.transport.sent].filter((envelope) => envelope.kind === 'task_cancel'),
    ).toEqual([]);
    expect((await b.distributor.readTask('t2')).status).toBe('completed');
  });

  it('an answer heard by another orchestrator reaches the owner at once, not after the attempt timeout', async () => {
    const store = new InMemoryJournalStore();
    const a = await orchestrator(store, 'a');
    const b = await orchestrator(store, 'b');
    await a.distributor.distributeTask(task('t3'));
    await until(() => requestsFor(a, 't3').length + requestsFor(b, 't3').length === 1, 'the send');
    const [owner, other] = requestsFor(a, 't3').length === 1 ? [a, b] : [b, a];
    const [request] = requestsFor(owner, 't3');
    if (request === undefined) throw new Error('no request');
    // A forged answer (right task and attempt, wrong fence) is kept but never booked.
    await answerVia(other, request, 'forged-fence');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(owner.distributor.getTask('t3').status).toBe('assigned');
    await answerVia(other, { ...request, payload: { ...request.payload, attempt: request.payload.attempt } });
    // Attempts time out after an hour here: only the journal's news can finish it within the test.
    await until(() => owner.distributor.getTask('t3').status === 'completed', 'the owner to book the answer');
    expect(owner.distributor.getTask('t3').result).toBe('done');
    await until(() => finalWrites(store, 't3').length > 0, 'the final state');
    expect(finalWrites(store, 't3')).toEqual(['completed']);
  });

  it('a crash between writing an assignment and sending it: the next owner sends it at once, same attempt and fence', async () => {
    const store = new InMemoryJournalStore();
    const a = await orchestrator(store, 'a');
    const b = await orchestrator(store, 'b');
    let crashed: InMemoryTaskJournal | undefined;
    store.afterWrite = (journal, written) => {
      if (crashed === undefined && written.status === 'assigned') {
        crashed = journal;
        journal.crash();
      }
    };
    await a.distributor.distributeTask(task('t4'));
    await until(() => requestsFor(a, 't4').length + requestsFor(b, 't4').length === 1, 'the survivor to send');
    const [dead, survivor] = crashed === a.journal ? [a, b] : [b, a];
    // A dead process is never stopped.
    running.splice(running.indexOf(dead.engine), 1);
    expect(requestsFor(dead, 't4')).toHaveLength(0);
    const assigned = store.writesOf('t4').find((entry) => entry.status === 'assigned');
    const [request] = requestsFor(survivor, 't4');
    if (request === undefined) throw new Error('no request');
    expect({ attempt: request.payload.attempt, fence: request.payload.fence }).toEqual({
      attempt: 1,
      fence: assigned?.fence,
    });
    await answerVia(survivor, request);
    await until(() => survivor.distributor.getTask('t4').status === 'completed', 'completion');
    expect(finalWrites(store, 't4')).toEqual(['completed']);
  });

  it('a later attempt completed on another orchestrator: the old owner tells its agent to stop the attempt it still had out', async () => {
    const store = new InMemoryJournalStore();
    const a = await orchestrator(store, 'a');
    const b = await orchestrator(store, 'b');
    await a.distributor.distributeTask(task('t5'));
    await until(() => requestsFor(a, 't5').length + requestsFor(b, 't5').length === 1, 'the send');
    const [owner, other] = requestsFor(a, 't5').length === 1 ? [a, b] : [b, a];
    // The owner stalls past its ack wait; the other, which takes x for gone, runs attempt 2 on its own agent y.
    other.distributor.updateAgentStatus({ agentId: 'x', status: 'offline' });
    other.distributor.registerAgent({ agentId: 'y', capabilities: ['work'] });
    store.redeliver('t5', other.journal);
    await until(() => requestsFor(other, 't5').length === 1, 'attempt 2 to go out');
    const [second] = requestsFor(other, 't5');
    if (second === undefined) throw new Error('no request');
    expect(second).toMatchObject({ to: 'agent.y', payload: { attempt: 2 } });
    other.distributor.handleTaskResponse({
      taskId: 't5',
      attempt: 2,
      fence: second.payload.fence,
      agentId: 'y',
      status: 'completed',
      result: 'by y',
    });
    await until(() => !owner.distributor.listTasks().some((entry) => entry.id === 't5'), 'the old owner to let go');
    expect(owner.transport.sent.filter((envelope) => envelope.kind === 'task_cancel')).toMatchObject([
      {
        to: 'agent.x',
        payload: {
          taskId: 't5',
          attempt: 1,
          reason: {
            code: 'TASK_FINISHED_ELSEWHERE',
            message: `task 't5' completed on orchestrator '${other.journal.orchestratorId}'`,
          },
        },
      },
    ]);
    expect(owner.distributor.getAgent('x').load).toBe(0);
    expect(finalWrites(store, 't5')).toEqual(['completed']);
  });

  it('a cancel on the owner that loses to a final state written elsewhere is refused, and the stored outcome stands', async () => {
    const store = new InMemoryJournalStore();
    const a = await orchestrator(store, 'a');
    const b = await orchestrator(store, 'b');
    await a.distributor.distributeTask(task('t6'));
    await until(() => requestsFor(a, 't6').length + requestsFor(b, 't6').length === 1, 'the send');
    const [owner, other] = requestsFor(a, 't6').length === 1 ? [a, b] : [b, a];
    // The owner stalls past its ack wait: the other resends the attempt, and the agent answers it there first.
    store.redeliver('t6', other.journal);
    await until(() => requestsFor(other, 't6').length === 1, 'the take-over resend');
    const [resent] = requestsFor(other, 't6');
    if (resent === undefined) throw new Error('no request');
    store.pauseWrites();
    await answerVia(other, resent);
    const cancelling = owner.distributor.cancelAnywhere('t6', 'too late').catch((error: unknown) => error);
    store.resumeWrites();
    expect(await cancelling).toMatchObject({
      code: 'TASK_ALREADY_FINISHED',
      details: { taskId: 't6', status: 'completed' },
    });
    expect(finalWrites(store, 't6')).toEqual(['completed']);
    expect((await owner.distributor.readTask('t6')).status).toBe('completed');
  });

  it('refuses with QUEUE_FULL when the shared work queue is full, keeping nothing', async () => {
    const store = new InMemoryJournalStore(1);
    const a = await orchestrator(store, 'a');
    await a.distributor.distributeTask(task('first'));
    await expect(a.distributor.distributeTask(task('second'))).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    expect(store.writesOf('second')).toHaveLength(0);
    await expect(a.distributor.readTask('second')).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
  });
});
