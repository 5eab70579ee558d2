import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../errors/validation-error.js';
import type { DistributionEvent } from '../events/distribution-event.js';
import type { MessagePriority } from '../models/message-priority.js';
import { createTestCore } from '../testing/create-test-core.test-helpers.js';
import type { TestCore } from '../testing/create-test-core.test-helpers.js';

function task(taskId: string, priority: MessagePriority = 'normal', extra: Record<string, unknown> = {}) {
  return {
    taskId,
    taskType: 'test',
    requiredCapabilities: ['work'],
    taskData: null,
    senderId: 'spec',
    priority,
    ...extra,
  };
}

/** The ids of the tasks sent to agents, in order. */
function sentTaskIds(core: TestCore): string[] {
  return core.transport.taskRequests().map((request) => request.payload.taskId);
}

function answer(
  core: TestCore,
  taskId: string,
  agentId: string,
  outcome: 'completed' | { message: string; permanent?: boolean } = 'completed',
) {
  const attempt = core.distributor.getTask(taskId).attempts;
  return outcome === 'completed'
    ? core.distributor.handleTaskResponse({ taskId, agentId, status: 'completed', result: agentId, attempt })
    : core.distributor.handleTaskResponse({ taskId, agentId, status: 'failed', error: outcome, attempt });
}

describe('TaskDistributor queue', () => {
  it('runs waiting tasks critical > high > normal > low, first come first served within a level', async () => {
    const core = await createTestCore({ tasks: { queue: { agingMs: 0 } } });
    core.distributor.registerAgent({ agentId: 'solo', capabilities: ['work'], capacity: 1 });
    await core.distributor.distributeTask(task('busy'));
    for (const [id, priority] of [
      ['low-1', 'low'],
      ['normal-1', 'normal'],
      ['critical-1', 'critical'],
      ['high-1', 'high'],
      ['critical-2', 'critical'],
      ['low-2', 'low'],
    ] as const) {
      await core.distributor.distributeTask(task(id, priority));
    }
    expect(core.distributor.queueStats()).toMatchObject({
      depth: 6,
      byPriority: { critical: 2, high: 1, normal: 1, low: 2 },
    });
    let previous = 'busy';
    for (let step = 0; step < 6; step++) {
      answer(core, previous, 'solo');
      previous = sentTaskIds(core).at(-1) ?? '';
    }
    expect(sentTaskIds(core)).toEqual(['busy', 'critical-1', 'critical-2', 'high-1', 'normal-1', 'low-1', 'low-2']);
    expect(core.distributor.queueStats().depth).toBe(0);
  });

  it('lets a low task that waited long enough overtake fresh critical ones (aging)', async () => {
    let now = 1_000_000;
    const core = await createTestCore({ tasks: { queue: { agingMs: 1_000 } } }, { clock: { now: () => now } });
    core.distributor.registerAgent({ agentId: 'solo', capabilities: ['work'], capacity: 1 });
    await core.distributor.distributeTask(task('busy'));
    await core.distributor.distributeTask(task('old-low', 'low'));
    now += 3_500;
    await core.distributor.distributeTask(task('fresh-critical', 'critical'));
    answer(core, 'busy', 'solo');
    expect(sentTaskIds(core).at(-1)).toBe('old-low');
  });

  it('does not let a task nobody free can take block one that somebody can', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'painter', capabilities: ['paint'], capacity: 1 });
    core.distributor.registerAgent({ agentId: 'worker', capabilities: ['work'], capacity: 1 });
    await core.distributor.distributeTask({ ...task('paint-1', 'critical'), requiredCapabilities: ['paint'] });
    await core.distributor.distributeTask({ ...task('paint-2', 'critical'), requiredCapabilities: ['paint'] });
    await expect(core.distributor.distributeTask(task('work-1', 'low'))).resolves.toMatchObject({
      status: 'assigned',
      agentId: 'worker',
    });
  });

  it('announces queueing, assignment and the end of a task as events', async () => {
    const core = await createTestCore();
    const events: string[] = [];
    core.distributor.onEvent((event: DistributionEvent) => {
      events.push(`${event.type}:${'task' in event ? event.task.id : event.agent.id}`);
    });
    core.distributor.registerAgent({ agentId: 'solo', capabilities: ['work'], capacity: 1 });
    await core.distributor.distributeTask(task('t1'));
    await core.distributor.distributeTask(task('t2'));
    answer(core, 't1', 'solo');
    expect(events).toEqual([
      'agent_registered:solo',
      'task_assigned:t1',
      'task_queued:t2',
      'task_finished:t1',
      'task_assigned:t2',
    ]);
  });

  it('names bad limits on a task and keeps nothing', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'solo', capabilities: ['work'] });
    const failure = await core.distributor
      .distributeTask(task('t1', 'normal', { maxAttempts: 0, attemptTimeoutMs: -1, queueTimeoutMs: 'soon' }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).issues.map((issue) => issue.field).sort()).toEqual([
      'attemptTimeoutMs',
      'maxAttempts',
      'queueTimeoutMs',
    ]);
    expect(core.distributor.listTasks()).toEqual([]);
  });

  it('refuses retry settings that contradict each other, naming the field', async () => {
    const failure = await createTestCore({ tasks: { retry: { initialDelayMs: 500, maxDelayMs: 100 } } }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).issues.map((issue) => issue.field)).toEqual(['tasks.retry.maxDelayMs']);
  });
});

describe('TaskDistributor failure handling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fails a task that waited in the queue longer than its queue timeout', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'solo', capabilities: ['work'], capacity: 1 });
    await core.distributor.distributeTask(task('busy'));
    await core.distributor.distributeTask(task('waits', 'normal', { queueTimeoutMs: 500 }));
    await vi.advanceTimersByTimeAsync(501);
    expect(core.distributor.getTask('waits')).toMatchObject({ status: 'failed', error: { code: 'QUEUE_TIMEOUT' } });
    expect(core.distributor.queueStats().depth).toBe(0);
  });

  it('retries a failed attempt after a back-off on another agent, then completes', async () => {
    const core = await createTestCore({ tasks: { retry: { initialDelayMs: 100, jitter: 0 } } });
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'] });
    core.distributor.registerAgent({ agentId: 'b', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    answer(core, 't1', 'a', { message: 'flaky' });
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'queued', failures: 1, assignedAgentId: null });
    expect(core.distributor.queueStats().depth).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(core.distributor.getTask('t1').status).toBe('queued');
    await vi.advanceTimersByTimeAsync(1);
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'assigned', assignedAgentId: 'b', attempts: 2 });
    answer(core, 't1', 'b');
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'completed',
      result: 'b',
      history: [
        { agentId: 'a', outcome: 'failed', error: { message: 'flaky' } },
        { agentId: 'b', outcome: 'completed' },
      ],
    });
  });

  it('dead-letters a task after maxAttempts failures, keeping every attempt error', async () => {
    const core = await createTestCore({ tasks: { retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10 } } });
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    for (let attempt = 1; attempt <= 3; attempt++) {
      answer(core, 't1', 'a', { message: `boom ${String(attempt)}` });
      await vi.advanceTimersByTimeAsync(10);
    }
    const dead = core.distributor.getTask('t1');
    expect(dead).toMatchObject({ status: 'dead_lettered', failures: 3, attempts: 3, error: { message: 'boom 3' } });
    expect(dead.history.map((attempt) => attempt.error?.message)).toEqual(['boom 1', 'boom 2', 'boom 3']);
    expect(core.distributor.getAgent('a')).toMatchObject({ load: 0, stats: { failed: 3 } });
  });

  it('does not retry an error the agent marks as permanent', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    answer(core, 't1', 'a', { message: 'bad input', permanent: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'failed', attempts: 1, error: { permanent: true } });
  });

  it('retries a timed-out attempt elsewhere and refuses the first agent when it answers late: the task completes once', async () => {
    const core = await createTestCore({
      tasks: { attemptTimeoutMs: 1_000, retry: { initialDelayMs: 0, maxDelayMs: 0 } },
    });
    const finished: string[] = [];
    core.distributor.onEvent((event) => {
      if (event.type === 'task_finished') finished.push(`${event.task.id}:${event.task.status}`);
    });
    core.distributor.registerAgent({ agentId: 'slow', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    core.distributor.registerAgent({ agentId: 'fast', capabilities: ['work'] });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'assigned', assignedAgentId: 'fast', attempts: 2 });
    expect(core.distributor.getAgent('slow').load).toBe(0);
    expect(() =>
      core.distributor.handleTaskResponse({
        taskId: 't1',
        agentId: 'slow',
        status: 'completed',
        result: 'late',
        attempt: 1,
      }),
    ).toThrow(/not assigned to agent 'slow'/);
    answer(core, 't1', 'fast');
    expect(() =>
      core.distributor.handleTaskResponse({
        taskId: 't1',
        agentId: 'slow',
        status: 'completed',
        result: 'late',
        attempt: 1,
      }),
    ).toThrow(/already completed/);
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'completed',
      result: 'fast',
      history: [{ outcome: 'timed_out' }, { outcome: 'completed' }],
    });
    expect(finished).toEqual(['t1:completed']);
  });

  it('refuses a duplicate answer to an earlier attempt on the same agent', async () => {
    const core = await createTestCore({
      tasks: { attemptTimeoutMs: 1_000, retry: { initialDelayMs: 0, maxDelayMs: 0 } },
    });
    core.distributor.registerAgent({ agentId: 'only', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'assigned', assignedAgentId: 'only', attempts: 2 });
    expect(() =>
      core.distributor.handleTaskResponse({
        taskId: 't1',
        agentId: 'only',
        status: 'completed',
        result: 'old',
        attempt: 1,
      }),
    ).toThrow(/attempt 1/);
    expect(core.distributor.getTask('t1').status).toBe('assigned');
  });

  it('gives a draining agent no new tasks but takes the answers to the ones it holds', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'leaving', capabilities: ['work'] });
    await core.distributor.distributeTask(task('held'));
    core.distributor.updateAgentStatus({ agentId: 'leaving', status: 'draining' });
    await expect(core.distributor.distributeTask(task('new'))).resolves.toMatchObject({ status: 'queued' });
    // Its own heartbeat says "online"; that does not undo the operator's drain.
    core.distributor.updateAgentStatus({ agentId: 'leaving', status: 'online', currentLoad: 1 }, true);
    expect(core.distributor.getAgent('leaving').status).toBe('draining');
    answer(core, 'held', 'leaving');
    expect(core.distributor.getTask('held').status).toBe('completed');
    expect(core.distributor.getTask('new').status).toBe('queued');
    core.distributor.updateAgentStatus({ agentId: 'leaving', status: 'online' });
    expect(core.distributor.getTask('new')).toMatchObject({ status: 'assigned', assignedAgentId: 'leaving' });
  });

  it('redistributes the tasks of an agent that comes back as a new process', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], instanceId: 'run-1' });
    await core.distributor.distributeTask(task('t1'));
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], instanceId: 'run-1' });
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'assigned', attempts: 1 });
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], instanceId: 'run-2' });
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'assigned',
      assignedAgentId: 'a',
      attempts: 2,
      failures: 0,
    });
    expect(core.distributor.getTask('t1').history[0]).toMatchObject({
      outcome: 'agent_lost',
      error: { code: 'AGENT_RESTARTED' },
    });
  });

  it('dead-letters a task that keeps losing its agents beyond maxRedistributions', async () => {
    const core = await createTestCore({ tasks: { retry: { maxRedistributions: 2 } } });
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'] });
    await core.distributor.distributeTask(task('t1'));
    for (let run = 2; run <= 4; run++)
      core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], instanceId: `run-${String(run)}` });
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], instanceId: 'run-1' });
    expect(core.distributor.getTask('t1')).toMatchObject({
      status: 'dead_lettered',
      error: { code: 'REDISTRIBUTION_LIMIT' },
    });
  });
});
