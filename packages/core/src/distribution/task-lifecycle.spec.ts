import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuthorizationError } from '../errors/authorization-error.js';
import { CommunicationError } from '../errors/communication-error.js';
import { TaskDistributionError } from '../errors/task-distribution-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { DistributionEvent } from '../events/distribution-event.js';
import { agentAddress, ORCHESTRATOR_ADDRESS } from '../models/addresses.js';
import type { Envelope, EnvelopeOf } from '../models/envelope.js';
import { defineStrategy } from '../strategies/define-strategy.js';
import { ADMIN_TOKEN, assignmentOf, createTestCore } from '../testing/create-test-core.test-helpers.js';
import type { TestCore } from '../testing/create-test-core.test-helpers.js';

const CLIENT_TOKEN = 'client-token';
const READER_TOKEN = 'reader-token';

function task(taskId: string, extra: Record<string, unknown> = {}) {
  return {
    taskId,
    taskType: 'test',
    requiredCapabilities: ['work'],
    taskData: null,
    senderId: 'spec',
    priority: 'normal' as const,
    ...extra,
  };
}

function sentOf<K extends Envelope['kind']>(core: TestCore, kind: K): EnvelopeOf<K>[] {
  return core.transport.sent.filter((envelope): envelope is EnvelopeOf<K> => envelope.kind === kind);
}

function refuse(
  core: TestCore,
  request: EnvelopeOf<'task_request'>,
  agentId: string,
  code: 'AGENT_AT_CAPACITY' | 'AGENT_NOT_ACCEPTING',
) {
  return core.distributor.handleTaskResponse({
    taskId: request.payload.taskId,
    attempt: request.payload.attempt,
    agentId,
    status: 'failed',
    error: { code, message: 'cannot take more tasks now' },
  });
}

function eventually(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error(`never happened: ${what}`));
      else setTimeout(poll, 2);
    };
    poll();
  });
}

let envelopeCounter = 0;
function answerEnvelope(agentId: string, payload: EnvelopeOf<'task_response'>['payload']): Envelope {
  envelopeCounter++;
  return {
    id: `answer-${String(envelopeCounter)}`,
    kind: 'task_response',
    from: agentAddress(agentId),
    to: ORCHESTRATOR_ADDRESS,
    priority: 'normal',
    sentAt: Date.now(),
    payload,
  };
}

describe('refusals are not attempts', () => {
  it('puts a task an agent refused back in the queue without using an attempt, and counts it as a redistribution', async () => {
    const core = await createTestCore({ tasks: { retry: { maxAttempts: 1 } } });
    core.distributor.registerAgent({ agentId: 'full', capabilities: ['work'], capacity: 2 }, true);
    await core.distributor.distributeTask(task('t1'));
    const [request] = core.transport.taskRequests();
    refuse(core, request!, 'full', 'AGENT_AT_CAPACITY');
    const refused = core.distributor.getTask('t1');
    expect(refused).toMatchObject({ status: 'queued', failures: 0 });
    expect(refused.history).toHaveLength(1);
    expect(refused.history).toMatchObject([
      { attempt: 1, agentId: 'full', outcome: 'refused', error: { code: 'AGENT_AT_CAPACITY' } },
    ]);
    // The agent said it is full: this orchestrator waits for its report instead of sending again at once.
    expect(core.transport.taskRequests()).toHaveLength(1);
    core.distributor.updateAgentStatus({ agentId: 'full', currentLoad: 0 }, true);
    expect(core.transport.taskRequests()).toHaveLength(2);
    core.distributor.handleTaskResponse({
      taskId: 't1',
      attempt: 2,
      agentId: 'full',
      status: 'completed',
      result: 'done',
    });
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'completed', failures: 0, attempts: 2 });
  });

  it('dead-letters no task when two orchestrators overfill one agent', async () => {
    // Two distributors share one agent of capacity 2; neither knows what the other sent it.
    const cores = [
      await createTestCore({ tasks: { retry: { maxAttempts: 1 } } }),
      await createTestCore({ tasks: { retry: { maxAttempts: 1 } } }),
    ];
    for (const core of cores)
      core.distributor.registerAgent({ agentId: 'shared', capabilities: ['work'], capacity: 2 }, true);
    const held: { core: TestCore; request: EnvelopeOf<'task_request'> }[] = [];
    const seen = cores.map(() => 0);
    let refusals = 0;
    const perCore = 15;
    for (const [index, core] of cores.entries()) {
      for (let n = 0; n < perCore; n++) await core.distributor.distributeTask(task(`c${String(index)}-${String(n)}`));
    }
    const finished = (): number =>
      cores.reduce(
        (sum, core) =>
          sum +
          core.distributor
            .listTasks({ limit: 1_000 })
            .filter((each) => each.status !== 'queued' && each.status !== 'assigned').length,
        0,
      );
    for (let step = 0; step < 1_000 && finished() < perCore * 2; step++) {
      // The agent takes what fits and refuses the rest, as the SDK does.
      for (const [index, core] of cores.entries()) {
        const requests = core.transport.taskRequests();
        for (const request of requests.slice(seen[index])) {
          if (held.length < 2) {
            held.push({ core, request });
          } else {
            refusals++;
            refuse(core, request, 'shared', 'AGENT_AT_CAPACITY');
          }
        }
        seen[index] = requests.length;
      }
      const done = held.shift();
      if (done !== undefined) {
        const { taskId, attempt } = done.request.payload;
        done.core.distributor.handleTaskResponse({
          taskId,
          attempt,
          agentId: 'shared',
          status: 'completed',
          result: null,
        });
      }
      // Its heartbeat reports the true load to both.
      for (const core of cores)
        core.distributor.updateAgentStatus({ agentId: 'shared', status: 'online', currentLoad: held.length }, true);
    }
    expect(refusals).toBeGreaterThan(0);
    const statuses = cores.flatMap((core) => core.distributor.listTasks({ limit: 1_000 }).map((each) => each.status));
    expect(statuses).toHaveLength(perCore * 2);
    expect(statuses.every((status) => status === 'completed')).toBe(true);
  });

  it('uses no attempt when the agent is not accepting yet (status flip race), and sends again once it says it is online', async () => {
    const core = await createTestCore({ tasks: { retry: { maxAttempts: 1 } } });
    core.distributor.registerAgent({ agentId: 'starting', capabilities: ['work'] }, true);
    await core.distributor.distributeTask(task('t1'));
    refuse(core, core.transport.taskRequests()[0]!, 'starting', 'AGENT_NOT_ACCEPTING');
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'queued', failures: 0 });
    expect(core.distributor.getAgent('starting').status).toBe('draining');
    core.distributor.updateAgentStatus({ agentId: 'starting', status: 'online', currentLoad: 0 }, true);
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'assigned', attempts: 2, failures: 0 });
  });

  it('sends again at once to an agent without heartbeats, which would never report itself free', async () => {
    const core = await createTestCore({ tasks: { retry: { maxAttempts: 1 } } });
    core.distributor.registerAgent({ agentId: 'mcp-agent', capabilities: ['work'], capacity: 1 });
    await core.distributor.distributeTask(task('t1'));
    refuse(core, core.transport.taskRequests()[0]!, 'mcp-agent', 'AGENT_AT_CAPACITY');
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'assigned', attempts: 2, failures: 0 });
    expect(core.distributor.getAgent('mcp-agent')).toMatchObject({ status: 'online', load: 1 });
  });

  it('dead-letters a task refused more than maxRedistributions times', async () => {
    const core = await createTestCore({ tasks: { retry: { maxRedistributions: 2 } } });
    core.distributor.registerAgent({ agentId: 'full', capabilities: ['work'], capacity: 1 });
    await core.distributor.distributeTask(task('t1'));
    for (let refusal = 0; refusal < 3; refusal++) {
      refuse(core, core.transport.taskRequests().at(-1)!, 'full', 'AGENT_AT_CAPACITY');
      core.distributor.updateAgentStatus({ agentId: 'full', currentLoad: 0 }, true);
    }
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'dead_lettered',
      failures: 0,
      error: { code: 'REDISTRIBUTION_LIMIT' },
    });
  });
});

describe('task_cancel', () => {
  it('tells the agent when its attempt timed out', async () => {
    const core = await createTestCore({ tasks: { attemptTimeoutMs: 20 } });
    core.distributor.registerAgent({ agentId: 'slow', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    await eventually(() => sentOf(core, 'task_cancel').length > 0, 'a task_cancel');
    const [cancel] = sentOf(core, 'task_cancel');
    expect(cancel).toMatchObject({
      to: agentAddress('slow'),
      from: ORCHESTRATOR_ADDRESS,
      payload: { taskId: 't1', attempt: 1, reason: { code: 'ATTEMPT_TIMEOUT' } },
    });
  });

  it('tells the agent when it was marked lost and its task went elsewhere', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'silent', capabilities: ['work'] }, true);
    await core.distributor.distributeTask(task('t1'));
    core.distributor.expireSilentAgents(Date.now() + 1);
    expect(sentOf(core, 'task_cancel')).toHaveLength(1);
    expect(sentOf(core, 'task_cancel')).toMatchObject([
      { to: agentAddress('silent'), payload: { taskId: 't1', attempt: 1, reason: { code: 'AGENT_LOST' } } },
    ]);
  });
});

describe('task_cancel when a hand-over could not be confirmed', () => {
  it('tells the agent: it may have the task, which went elsewhere', async () => {
    const core = await createTestCore({ tasks: { retry: { maxRedistributions: 0 } } });
    core.distributor.registerAgent({ agentId: 'unsure', capabilities: ['work'] }, true);
    core.transport.failing.set(agentAddress('unsure'), new CommunicationError('TIMEOUT', 'nats-server did not answer'));
    const handedOver = core.distributor.distributeTask(task('t1')).catch((error: unknown) => error);
    await eventually(() => sentOf(core, 'task_cancel').length > 0, 'a task_cancel');
    expect(sentOf(core, 'task_cancel')).toMatchObject([
      {
        to: agentAddress('unsure'),
        payload: { taskId: 't1', attempt: 1, reason: { code: 'TIMEOUT', message: 'nats-server did not answer' } },
      },
    ]);
    expect(core.distributor.getTask('t1')).toMatchObject({
      failures: 0,
      history: [{ outcome: 'not_delivered', error: { code: 'TIMEOUT' } }],
    });
    await handedOver;
  });
});

describe('cancelTask', () => {
  function withRoles(): Promise<TestCore> {
    return createTestCore({}, {}, [
      { token: CLIENT_TOKEN, permissions: ['tasks:create', 'tasks:distribute'] },
      { token: READER_TOKEN, permissions: ['ops:read', 'tasks:create'] },
    ]);
  }

  it('ends a running task cancelled: the agent is told, its slot freed, and waiting callers get TASK_CANCELLED', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'busy', capabilities: ['work'], capacity: 1 });
    const created = await core.engine.createTask({
      authToken: CLIENT_TOKEN,
      taskType: 't',
      requiredCapabilities: ['work'],
    });
    const execution = core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: created.id });
    await assignmentOf(core, created.id);
    const cancelled = await core.engine.cancelTask({
      authToken: CLIENT_TOKEN,
      taskId: created.id,
      reason: 'not needed',
    });
    expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'TASK_CANCELLED', message: 'not needed' } });
    expect(cancelled.history.at(-1)).toMatchObject({ outcome: 'cancelled' });
    await expect(execution).rejects.toMatchObject({ code: 'TASK_CANCELLED' });
    expect(sentOf(core, 'task_cancel')).toHaveLength(1);
    expect(sentOf(core, 'task_cancel')).toMatchObject([
      {
        to: agentAddress('busy'),
        payload: { taskId: created.id, attempt: 1, reason: { code: 'TASK_CANCELLED', message: 'not needed' } },
      },
    ]);
    expect(core.distributor.getAgent('busy').load).toBe(0);
    expect(await core.engine.listTasks({ authToken: CLIENT_TOKEN, status: 'cancelled' })).toHaveLength(1);
    // The agent's late answer is refused and changes nothing.
    expect(() =>
      core.distributor.handleTaskResponse({
        taskId: created.id,
        attempt: 1,
        agentId: 'busy',
        status: 'completed',
        result: 1,
      }),
    ).toThrow(/already cancelled/);
  });

  it('takes a queued task out of the queue, and one sleeping through a retry back-off too', async () => {
    const core = await createTestCore({ tasks: { retry: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 } } });
    core.distributor.registerAgent({ agentId: 'solo', capabilities: ['work'], capacity: 1 });
    await core.distributor.distributeTask(task('running'));
    await core.distributor.distributeTask(task('waiting'));
    expect(core.distributor.queueStats().depth).toBe(1);
    expect(core.distributor.cancelTask('waiting', 'changed my mind')).toMatchObject({ status: 'cancelled' });
    expect(core.distributor.queueStats().depth).toBe(0);
    core.distributor.handleTaskResponse({
      taskId: 'running',
      attempt: 1,
      agentId: 'solo',
      status: 'failed',
      error: { message: 'flaky' },
    });
    expect(core.distributor.getTask('running')).toMatchObject({ status: 'queued' });
    expect(core.distributor.queueStats().depth).toBe(1);
    core.distributor.cancelTask('running', 'enough');
    expect(core.distributor.queueStats().depth).toBe(0);
    // Nothing else was sent to the agent: the cancelled tasks are gone from the queue.
    await core.distributor.distributeTask(task('next'));
    expect(core.transport.taskRequests().map((request) => request.payload.taskId)).toEqual(['running', 'next']);
  });

  it('cancels a pending task; refuses a finished one, an unknown one, bad input and a caller without tasks:distribute, changing nothing', async () => {
    const core = await withRoles();
    const pending = await core.engine.createTask({
      authToken: CLIENT_TOKEN,
      taskType: 't',
      requiredCapabilities: ['work'],
    });
    await expect(core.engine.cancelTask({ authToken: READER_TOKEN, taskId: pending.id })).rejects.toBeInstanceOf(
      AuthorizationError,
    );
    const badReason = await core.engine
      .cancelTask({ authToken: CLIENT_TOKEN, taskId: pending.id, reason: 7 as unknown as string })
      .catch((error: unknown) => error);
    expect(badReason).toBeInstanceOf(ValidationError);
    expect((badReason as ValidationError).issues[0]?.field).toBe('reason');
    const extra = await core.engine
      .cancelTask({ authToken: CLIENT_TOKEN, taskId: pending.id, force: true } as never)
      .catch((error: unknown) => error);
    expect(extra).toBeInstanceOf(ValidationError);
    expect(core.distributor.getTask(pending.id).status).toBe('pending');
    await expect(core.engine.cancelTask({ authToken: CLIENT_TOKEN, taskId: 'nope' })).rejects.toMatchObject({
      code: 'TASK_NOT_FOUND',
    });
    expect(await core.engine.cancelTask({ authToken: CLIENT_TOKEN, taskId: pending.id })).toMatchObject({
      status: 'cancelled',
      error: { message: 'cancelled by token-1' },
    });
    await expect(core.engine.cancelTask({ authToken: ADMIN_TOKEN, taskId: pending.id })).rejects.toMatchObject({
      code: 'TASK_ALREADY_FINISHED',
    });
    await expect(core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: pending.id })).rejects.toMatchObject({
      code: 'TASK_CANCELLED',
    });
  });
});

describe('answer_refused', () => {
  const LATE_SESSION = 'late-agent-session-0001';
  it('tells the agent why its answer was not booked, at most 20 times a second per agent', async () => {
    const core = await createTestCore();
    // Over a transport, with the session its answers must carry (a stranger's answers are not told why).
    core.distributor.registerAgent({ agentId: 'late', capabilities: ['work'] }, true, {
      owner: 'test',
      session: LATE_SESSION,
    });
    await core.distributor.distributeTask(task('t1'));
    await core.transport.inject(
      answerEnvelope('late', {
        taskId: 't1',
        attempt: 7,
        fence: 'not-this-attempts',
        agentId: 'late',
        status: 'completed',
        result: null,
        session: LATE_SESSION,
      }),
    );
    expect(sentOf(core, 'answer_refused')).toHaveLength(1);
    expect(sentOf(core, 'answer_refused')).toMatchObject([
      { to: agentAddress('late'), payload: { taskId: 't1', attempt: 7, code: 'STALE_ATTEMPT' } },
    ]);
    expect(core.distributor.getTask('t1').status).toBe('assigned');
    for (let n = 0; n < 100; n++)
      await core.transport.inject(
        answerEnvelope('late', {
          taskId: `gone-${String(n)}`,
          attempt: 1,
          fence: 'not-this-attempts',
          agentId: 'late',
          status: 'completed',
          result: null,
          session: LATE_SESSION,
        }),
      );
    const refusals = sentOf(core, 'answer_refused');
    expect(refusals.length).toBeLessThanOrEqual(40);
    expect(refusals.at(1)).toMatchObject({ payload: { code: 'TASK_NOT_FOUND' } });
  });
});

describe('nothing left behind', () => {
  const throwing = defineStrategy({
    name: 'throwing',
    optionsSchema: z.strictObject({}),
    create: () => ({
      select: () => {
        throw new Error('plugin bug');
      },
    }),
  });

  it('refuses a new task whose strategy throws with STRATEGY_FAILED naming it, keeping nothing', async () => {
    const core = await createTestCore({}, { strategies: [{ definition: throwing }] });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'] });
    const failure = await core.distributor
      .distributeTask(task('t1', { strategy: 'throwing' }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskDistributionError);
    expect(failure).toMatchObject({ code: 'STRATEGY_FAILED', details: { strategy: 'throwing' } });
    expect((failure as Error).message).toContain('plugin bug');
    expect(core.distributor.listTasks()).toEqual([]);
  });

  it('fails a created task whose strategy throws when executed, and a queued one whose strategy throws later', async () => {
    const core = await createTestCore({}, { strategies: [{ definition: throwing }] });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'] });
    const created = await core.engine.createTask({
      authToken: ADMIN_TOKEN,
      taskType: 't',
      requiredCapabilities: ['work'],
      strategy: 'throwing',
    });
    await expect(core.engine.executeTask({ authToken: ADMIN_TOKEN, taskId: created.id })).rejects.toMatchObject({
      code: 'STRATEGY_FAILED',
    });
    expect(core.distributor.getTask(created.id)).toMatchObject({
      status: 'failed',
      error: { code: 'STRATEGY_FAILED' },
    });
    // Queued while nobody was free; the strategy runs (and throws) once an agent frees up.
    core.distributor.updateAgentStatus({ agentId: 'one', status: 'draining' });
    await core.distributor.distributeTask(task('later', { strategy: 'throwing' }));
    expect(core.distributor.getTask('later').status).toBe('queued');
    core.distributor.updateAgentStatus({ agentId: 'one', status: 'online' });
    expect(core.distributor.getTask('later')).toMatchObject({ status: 'failed', error: { code: 'STRATEGY_FAILED' } });
    expect(core.distributor.getTask('later').error?.message).toContain("Strategy 'throwing'");
  });

  it('expires a created task nobody executed after tasks.pendingTtlMs', async () => {
    const core = await createTestCore({ tasks: { pendingTtlMs: 20 } });
    const finished: DistributionEvent[] = [];
    core.distributor.onEvent((event) => {
      if (event.type === 'task_finished') finished.push(event);
    });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'] });
    core.distributor.createTask(task('forgotten'));
    core.distributor.createTask(task('executed'));
    await core.distributor.dispatchTask('executed');
    await eventually(() => finished.length > 0, 'the pending task expired');
    expect(core.distributor.getTask('forgotten')).toMatchObject({
      status: 'failed',
      error: { code: 'PENDING_EXPIRED' },
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(core.distributor.getTask('executed').status).toBe('assigned');
  });

  it('refuses a bad tasks.pendingTtlMs, naming the field', async () => {
    const failure = await createTestCore({ tasks: { pendingTtlMs: -1 } }).catch((error: unknown) => error);
    expect(String(failure)).toMatch(/pendingTtlMs/);
  });
});
