import { describe, expect, it } from 'vitest';
import { AuthorizationError } from '../errors/authorization-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { TaskDistributionError } from '../errors/task-distribution-error.js';
import { TaskStateError } from '../errors/task-state-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { agentAddress } from '../models/addresses.js';
import { createTestCore } from '../testing/create-test-core.test-helpers.js';
import type { TestCore } from '../testing/create-test-core.test-helpers.js';

function task(taskId: string, requiredCapabilities: string[] = ['work']) {
  return { taskId, taskType: 'test', requiredCapabilities, taskData: { n: 1 }, senderId: 'spec' };
}

/** Everything observable about the distributor's state, to prove a failed call changed nothing. */
function state(core: TestCore) {
  return {
    agents: core.distributor.listAgents(),
    tasks: core.distributor.listTasks({ limit: 10_000 }),
    sent: core.transport.sent.length,
  };
}

function fieldsOf(error: unknown): string[] {
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((issue) => issue.field).sort();
}

describe('TaskDistributor', () => {
  it('hands a task to the chosen agent over the transport with its attempt number', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    const assignment = await core.distributor.distributeTask(task('t1'));
    expect(assignment).toEqual({
      taskId: 't1',
      status: 'assigned',
      agentId: 'worker',
      strategy: 'capability_match',
      attempt: 1,
    });
    const [request] = core.transport.taskRequests();
    expect(request).toMatchObject({
      to: agentAddress('worker'),
      payload: { taskId: 't1', attempt: 1, data: { n: 1 } },
    });
    expect(core.distributor.getAgent('worker').load).toBe(1);
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'assigned',
      assignedAgentId: 'worker',
      attempts: 1,
    });
  });

  it('fences each attempt: an answer with the right task, agent and attempt but another fence is refused and changes nothing', async () => {
    const core = await createTestCore({ tasks: { retry: { initialDelayMs: 0 } } });
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    await core.distributor.distributeTask(task('fenced'));
    const [first] = core.transport.taskRequests();
    const fence = first?.payload.fence ?? '';
    expect(fence).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const before = state(core);
    expect(() =>
      core.distributor.handleTaskResponse({
        taskId: 'fenced',
        agentId: 'worker',
        attempt: 1,
        fence: 'guessed',
        status: 'completed',
        result: 'forged',
      }),
    ).toThrow(expect.objectContaining({ code: 'STALE_ATTEMPT' }) as Error);
    expect(state(core)).toEqual(before);
    // A failed attempt's retry gets a new fence: the old one no longer answers.
    core.distributor.handleTaskResponse({
      taskId: 'fenced',
      agentId: 'worker',
      attempt: 1,
      fence,
      status: 'failed',
      error: { message: 'try again' },
    });
    for (let waited = 0; core.transport.taskRequests().length < 2 && waited < 5_000; waited += 5)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const second = core.transport.taskRequests()[1];
    expect(second?.payload.attempt).toBe(2);
    expect(second?.payload.fence).not.toBe(fence);
    expect(() =>
      core.distributor.handleTaskResponse({
        taskId: 'fenced',
        agentId: 'worker',
        attempt: 2,
        fence,
        status: 'completed',
        result: 'stale',
      }),
    ).toThrow(expect.objectContaining({ code: 'STALE_ATTEMPT' }) as Error);
    core.distributor.handleTaskResponse({
      taskId: 'fenced',
      agentId: 'worker',
      attempt: 2,
      fence: second?.payload.fence ?? '',
      status: 'completed',
      result: 'genuine',
    });
    expect(core.distributor.getTask('fenced')).toMatchObject({ status: 'completed', result: 'genuine' });
  });

  it('says NO_CAPABLE_AGENT and lists the capabilities nobody has, storing nothing', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    const before = state(core);
    const failure = await core.distributor
      .distributeTask(task('t1', ['work', 'vision', 'audio']))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskDistributionError);
    expect(failure).toMatchObject({ code: 'NO_CAPABLE_AGENT', details: { missingCapabilities: ['vision', 'audio'] } });
    expect(state(core)).toEqual(before);
  });

  it('says NO_CAPABLE_AGENT when the capabilities exist only on different agents', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'seer', capabilities: ['vision'] });
    core.distributor.registerAgent({ agentId: 'listener', capabilities: ['audio'] });
    await expect(core.distributor.distributeTask(task('t1', ['vision', 'audio']))).rejects.toMatchObject({
      code: 'NO_CAPABLE_AGENT',
      details: { missingCapabilities: [] },
    });
  });

  it('queues a task when capable agents are offline, draining or full, and refuses with QUEUE_FULL beyond the limit', async () => {
    const core = await createTestCore({ tasks: { queue: { maxLength: 1 } } });
    core.distributor.registerAgent({ agentId: 'off', capabilities: ['work'] });
    core.distributor.registerAgent({ agentId: 'drain', capabilities: ['work'] });
    core.distributor.registerAgent({ agentId: 'full', capabilities: ['work'], capacity: 1 });
    core.distributor.updateAgentStatus({ agentId: 'off', isOnline: false });
    core.distributor.updateAgentStatus({ agentId: 'drain', status: 'draining' });
    await core.distributor.distributeTask(task('fills'));
    await expect(core.distributor.distributeTask(task('t2'))).resolves.toEqual({
      taskId: 't2',
      status: 'queued',
      agentId: null,
      strategy: null,
      attempt: 0,
      queueDepth: 1,
    });
    expect(core.distributor.getTask('t2')).toMatchObject({ status: 'queued', assignedAgentId: null });
    const before = state(core);
    await expect(core.distributor.distributeTask(task('t3'))).rejects.toMatchObject({
      code: 'QUEUE_FULL',
      details: { unavailable: { offline: 1, draining: 1, full: 1 } },
    });
    expect(state(core)).toEqual(before);
  });

  it('refuses a status update for an unknown agent instead of inserting it', async () => {
    const core = await createTestCore();
    const failure = (() => {
      try {
        core.distributor.updateAgentStatus({ agentId: 'ghost', isOnline: true });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(NotFoundError);
    expect(failure).toMatchObject({ code: 'AGENT_NOT_FOUND' });
    expect(core.distributor.listAgents()).toEqual([]);
  });

  it('names every bad field of a registration and registers nothing', async () => {
    const core = await createTestCore();
    let failure: unknown;
    try {
      core.distributor.registerAgent({
        agentId: 'has space',
        capabilities: ['ok', ''],
        priority: Number.NaN,
        capacity: 0,
        extra: 1,
      } as never);
    } catch (error) {
      failure = error;
    }
    expect(fieldsOf(failure)).toEqual(['', 'agentId', 'capabilities.1', 'capacity', 'priority']);
    expect(core.distributor.listAgents()).toEqual([]);
  });

  it('names every bad field of a task and changes nothing', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    const before = state(core);
    const failure = await core.distributor
      .distributeTask({
        taskId: '',
        taskType: 5,
        requiredCapabilities: 'work',
        taskData: { when: new Date() },
        senderId: 'spec',
        priority: 'urgent',
      } as never)
      .catch((error: unknown) => error);
    expect(fieldsOf(failure)).toEqual(['priority', 'requiredCapabilities', 'taskData', 'taskId', 'taskType']);
    expect(state(core)).toEqual(before);
  });

  it('refuses an unknown strategy by name and changes nothing', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    const before = state(core);
    const failure = await core.distributor
      .distributeTask({ ...task('t1'), strategy: 'fastest' })
      .catch((error: unknown) => error);
    expect(fieldsOf(failure)).toEqual(['strategy']);
    expect(state(core)).toEqual(before);
  });

  it('refuses a second task with the same id while keeping the first', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    await expect(core.distributor.distributeTask(task('t1'))).rejects.toMatchObject({ code: 'TASK_ALREADY_EXISTS' });
    expect(core.distributor.getAgent('worker').load).toBe(1);
  });

  it('accepts an answer only from the assigned agent; anything else changes nothing', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    core.distributor.registerAgent({ agentId: 'other', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    const before = state(core);
    expect(() =>
      core.distributor.handleTaskResponse({ taskId: 't1', agentId: 'other', status: 'completed', result: 'stolen' }),
    ).toThrow(AuthorizationError);
    expect(() =>
      core.distributor.handleTaskResponse({ taskId: 'nope', agentId: 'worker', status: 'completed' }),
    ).toThrow(NotFoundError);
    expect(state(core)).toEqual(before);

    const finished = core.distributor.handleTaskResponse({
      taskId: 't1',
      agentId: 'worker',
      status: 'completed',
      result: { answer: 42 },
      attempt: 1,
    });
    expect(finished).toMatchObject({ status: 'completed', result: { answer: 42 }, error: null });
    expect(core.distributor.getAgent('worker')).toMatchObject({ load: 0, stats: { completed: 1, failed: 0 } });

    const afterFinish = state(core);
    let second: unknown;
    try {
      core.distributor.handleTaskResponse({
        taskId: 't1',
        agentId: 'worker',
        status: 'failed',
        error: { message: 'late' },
      });
    } catch (error) {
      second = error;
    }
    expect(second).toBeInstanceOf(TaskStateError);
    expect(second).toMatchObject({ code: 'TASK_ALREADY_FINISHED' });
    expect(state(core)).toEqual(afterFinish);
  });

  it('refuses an answer to an earlier attempt', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    expect(() =>
      core.distributor.handleTaskResponse({ taskId: 't1', agentId: 'worker', status: 'completed', attempt: 2 }),
    ).toThrow(/attempt 2/);
    expect(core.distributor.getTask('t1').status).toBe('assigned');
  });

  it('requires an error on a failed answer', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    let failure: unknown;
    try {
      core.distributor.handleTaskResponse({ taskId: 't1', agentId: 'worker', status: 'failed' });
    } catch (error) {
      failure = error;
    }
    expect(fieldsOf(failure)).toEqual(['error']);
  });

  it('marks an agent nobody listens for offline and sends its task to another agent', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'gone', capabilities: ['work'] });
    core.distributor.registerAgent({ agentId: 'here', capabilities: ['work'] });
    core.transport.unreachable.add(agentAddress('gone'));
    await expect(core.distributor.distributeTask(task('t1'))).resolves.toMatchObject({
      status: 'assigned',
      agentId: 'here',
      attempt: 2,
    });
    expect(core.distributor.getAgent('gone')).toMatchObject({ status: 'offline', load: 0 });
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'assigned',
      assignedAgentId: 'here',
      attempts: 2,
      failures: 0,
      history: [
        { agentId: 'gone', outcome: 'agent_lost', error: { code: 'UNKNOWN_ADDRESS' } },
        { agentId: 'here', outcome: 'running' },
      ],
    });
  });

  it('redistributes the tasks an agent still held when it unregisters', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    core.distributor.unregisterAgent('worker');
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'queued',
      history: [{ outcome: 'agent_lost', error: { code: 'AGENT_UNREGISTERED' } }],
    });
    expect(core.distributor.listAgents()).toEqual([]);
    core.distributor.registerAgent({ agentId: 'successor', capabilities: ['work'] });
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'assigned',
      assignedAgentId: 'successor',
      attempts: 2,
    });
  });

  it('keeps load and in-flight tasks when an agent re-registers', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work', 'more'], priority: 3 });
    expect(core.distributor.getAgent('worker')).toMatchObject({ load: 1, priority: 3, capabilities: ['work', 'more'] });
    core.distributor.handleTaskResponse({ taskId: 't1', agentId: 'worker', status: 'completed' });
    expect(core.distributor.getAgent('worker').load).toBe(0);
  });

  it('keeps only the newest finished tasks beyond the retention limit', async () => {
    const core = await createTestCore({ tasks: { retainFinished: 2 } });
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'] });
    for (const id of ['t1', 't2', 't3']) {
      await core.distributor.distributeTask(task(id));
      core.distributor.handleTaskResponse({ taskId: id, agentId: 'worker', status: 'completed' });
    }
    expect(() => core.distributor.getTask('t1')).toThrow(NotFoundError);
    expect(core.distributor.listTasks().map((entry) => entry.id)).toEqual(['t2', 't3']);
  });

  it('marks a heartbeating agent offline when it falls silent, redistributes what it held, and takes it back when it speaks', async () => {
    let now = 1_000_000;
    const core = await createTestCore({}, { clock: { now: () => now } });
    core.distributor.registerAgent({ agentId: 'remote', capabilities: ['work'] }, true);
    core.distributor.registerAgent({ agentId: 'local', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    now += 5_000;
    expect(core.distributor.expireSilentAgents(now - 3_000)).toEqual(['remote']);
    expect(core.distributor.getAgent('remote').status).toBe('offline');
    expect(core.distributor.getAgent('local').status).toBe('online');
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'assigned',
      assignedAgentId: 'local',
      history: [{ agentId: 'remote', outcome: 'agent_lost' }, {}],
    });
    expect(core.distributor.expireSilentAgents(now - 3_000)).toEqual([]);
    core.distributor.updateAgentStatus({ agentId: 'remote', status: 'online', currentLoad: 0 });
    expect(core.distributor.getAgent('remote')).toMatchObject({ status: 'online', load: 0 });
  });
});
