import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { TaskDistributionError } from '../../errors/task-distribution-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { AgentRegistration } from '../../models/agent-registration.js';
import { createTestCore } from '../../testing/create-test-core.test-helpers.js';
import type { TestCore } from '../../testing/create-test-core.test-helpers.js';
import { defineStrategy } from '../define-strategy.js';
import type { StrategyOutcome } from '../distribution-strategy.js';

let taskCounter = 0;

/** The chosen agent's id; a queued task fails the test. */
async function distribute(
  core: TestCore,
  strategy: string,
  requiredCapabilities: string[] = ['work'],
): Promise<string> {
  taskCounter++;
  const assignment = await core.distributor.distributeTask({
    taskId: `t-${String(taskCounter)}`,
    taskType: 'test',
    requiredCapabilities,
    taskData: null,
    senderId: 'spec',
    strategy,
  });
  if (assignment.status === 'queued') throw new Error(`task ${assignment.taskId} was queued`);
  return assignment.agentId;
}

function register(core: TestCore, ...agents: AgentRegistration[]): void {
  for (const agent of agents) core.distributor.registerAgent(agent);
}

function counts(ids: string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const id of ids) result[id] = (result[id] ?? 0) + 1;
  return result;
}

describe('round_robin', () => {
  it('gives 3 agents exactly 100 of 300 tasks each', async () => {
    const core = await createTestCore();
    register(
      core,
      { agentId: 'a', capabilities: ['work'] },
      { agentId: 'b', capabilities: ['work'] },
      { agentId: 'c', capabilities: ['work'] },
    );
    const chosen: string[] = [];
    for (let index = 0; index < 300; index++) chosen.push(await distribute(core, 'round_robin'));
    expect(counts(chosen)).toEqual({ a: 100, b: 100, c: 100 });
    expect(chosen.slice(0, 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('keeps a separate rotation per capability set', async () => {
    const core = await createTestCore();
    register(
      core,
      { agentId: 'ab1', capabilities: ['a', 'b'] },
      { agentId: 'a', capabilities: ['a'] },
      { agentId: 'ab2', capabilities: ['b', 'a'] },
    );
    const onlyA = [await distribute(core, 'round_robin', ['a']), await distribute(core, 'round_robin', ['a'])];
    const both = [
      await distribute(core, 'round_robin', ['a', 'b']),
      await distribute(core, 'round_robin', ['b', 'a']),
      await distribute(core, 'round_robin', ['a', 'b']),
    ];
    expect(onlyA).toEqual(['ab1', 'a']);
    expect(both).toEqual(['ab1', 'ab2', 'ab1']);
    expect(await distribute(core, 'round_robin', ['a'])).toBe('ab2');
  });

  it('lets a newcomer join at the end of the current round and skips agents that are full', async () => {
    const core = await createTestCore();
    register(core, { agentId: 'x', capabilities: ['work'] }, { agentId: 'y', capabilities: ['work'], capacity: 1 });
    expect(await distribute(core, 'round_robin')).toBe('x');
    // z joins behind everyone already waiting for their turn (y, then x).
    register(core, { agentId: 'z', capabilities: ['work'] });
    expect(await distribute(core, 'round_robin')).toBe('y');
    expect(await distribute(core, 'round_robin')).toBe('x');
    expect(await distribute(core, 'round_robin')).toBe('z');
    // y is now full (capacity 1): the rotation skips it.
    expect([await distribute(core, 'round_robin'), await distribute(core, 'round_robin')]).toEqual(['x', 'z']);
  });
});

describe('capability_match', () => {
  it('picks the first registered available agent that has every capability', async () => {
    const core = await createTestCore();
    register(
      core,
      { agentId: 'partial', capabilities: ['work'] },
      { agentId: 'first', capabilities: ['work', 'gpu'], capacity: 1 },
      { agentId: 'second', capabilities: ['gpu', 'work'] },
    );
    expect(await distribute(core, 'capability_match', ['work', 'gpu'])).toBe('first');
    // first is now full, so the next registered capable agent gets it.
    expect(await distribute(core, 'capability_match', ['work', 'gpu'])).toBe('second');
    expect(await distribute(core, 'capability_match', ['work'])).toBe('partial');
  });
});

describe('load_balanced', () => {
  it('picks the lowest load/capacity ratio, not the lowest load', async () => {
    const core = await createTestCore();
    register(
      core,
      { agentId: 'big', capabilities: ['work'], capacity: 10 },
      { agentId: 'small', capabilities: ['work'], capacity: 4 },
    );
    core.distributor.updateAgentStatus({ agentId: 'big', currentLoad: 5 });
    core.distributor.updateAgentStatus({ agentId: 'small', currentLoad: 2 });
    // big 5/10 = 0.5, small 2/4 = 0.5: tie on ratio, lower load wins.
    expect(await distribute(core, 'load_balanced')).toBe('small');
    // small is now 3/4, big 5/10.
    expect(await distribute(core, 'load_balanced')).toBe('big');
  });

  it('breaks full ties by higher priority, then by earlier registration', async () => {
    const core = await createTestCore();
    register(
      core,
      { agentId: 'early', capabilities: ['work'] },
      { agentId: 'late-high', capabilities: ['work'], priority: 2 },
      { agentId: 'late', capabilities: ['work'] },
    );
    expect(await distribute(core, 'load_balanced')).toBe('late-high');
    expect(await distribute(core, 'load_balanced')).toBe('early');
    expect(await distribute(core, 'load_balanced')).toBe('late');
  });
});

describe('priority_based', () => {
  it('picks the highest priority, ties going to the lower load', async () => {
    const core = await createTestCore();
    register(
      core,
      { agentId: 'low', capabilities: ['work'], priority: 1 },
      { agentId: 'high-1', capabilities: ['work'], priority: 9, capacity: 2 },
      { agentId: 'high-2', capabilities: ['work'], priority: 9, capacity: 2 },
    );
    expect(await distribute(core, 'priority_based')).toBe('high-1');
    expect(await distribute(core, 'priority_based')).toBe('high-2');
    expect(await distribute(core, 'priority_based')).toBe('high-1');
    expect(await distribute(core, 'priority_based')).toBe('high-2');
    // Both high-priority agents are full now.
    expect(await distribute(core, 'priority_based')).toBe('low');
  });
});

describe('choosing a strategy', () => {
  it("takes the task's own strategy first, then the first mapped capability's, then the default", async () => {
    const core = await createTestCore({
      distribution: {
        defaultStrategy: 'capability_match',
        capabilityStrategies: { gpu: 'priority_based', work: 'round_robin' },
      },
    });
    register(
      core,
      { agentId: 'first', capabilities: ['work', 'gpu', 'misc'] },
      { agentId: 'second', capabilities: ['work', 'gpu', 'misc'], priority: 5 },
    );
    const strategyOf = async (requiredCapabilities: string[], strategy?: string): Promise<string> => {
      taskCounter++;
      const assignment = await core.distributor.distributeTask({
        taskId: `c-${String(taskCounter)}`,
        taskType: 't',
        requiredCapabilities,
        taskData: null,
        senderId: 's',
        ...(strategy === undefined ? {} : { strategy }),
      });
      return assignment.strategy ?? 'queued';
    };
    expect(await strategyOf(['misc'])).toBe('capability_match');
    expect(await strategyOf(['work'])).toBe('round_robin');
    expect(await strategyOf(['gpu', 'work'])).toBe('priority_based');
    expect(await strategyOf(['work', 'gpu'])).toBe('round_robin');
    expect(await strategyOf(['gpu'], 'load_balanced')).toBe('load_balanced');
  });

  it('refuses a capability mapped to an unknown strategy, naming the capability', async () => {
    await expect(createTestCore({ distribution: { capabilityStrategies: { gpu: 'fastest' } } })).rejects.toThrow(
      /distribution\.capabilityStrategies\.gpu: unknown strategy 'fastest'/,
    );
  });
});

describe('custom and plugin strategies', () => {
  const lastRegistered = defineStrategy({
    name: 'last-registered',
    optionsSchema: z.strictObject({ skip: z.number().int().nonnegative().default(0) }),
    create: ({ skip }) => ({
      select: (candidates) => [...candidates].sort((a, b) => b.sequence - a.sequence)[skip],
    }),
  });

  it("uses the configured customStrategy for the name 'custom'", async () => {
    const core = await createTestCore(
      { distribution: { customStrategy: 'last-registered' } },
      { strategies: [{ definition: lastRegistered }] },
    );
    register(core, { agentId: 'one', capabilities: ['work'] }, { agentId: 'two', capabilities: ['work'] });
    expect(await distribute(core, 'custom')).toBe('two');
    expect(await distribute(core, 'last-registered')).toBe('two');
  });

  it("refuses 'custom' when no customStrategy is configured, naming the field", async () => {
    const core = await createTestCore();
    register(core, { agentId: 'one', capabilities: ['work'] });
    const failure = await distribute(core, 'custom').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).issues[0]?.field).toBe('strategy');
    expect(core.distributor.listTasks()).toEqual([]);
  });

  it('refuses plugin options that fail the plugin schema, naming each field', async () => {
    const failure = await createTestCore(
      {},
      { strategies: [{ definition: lastRegistered, options: { skip: -1, extra: true } }] },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).issues.map((issue) => issue.field).sort()).toEqual(['options', 'options.skip']);
  });

  it('queues the task of a strategy that declines, refuses one that picks a non-candidate, and assigns nothing', async () => {
    const declining = defineStrategy({
      name: 'declining',
      optionsSchema: z.strictObject({}),
      create: () => ({ select: () => undefined }),
    });
    const rogue = defineStrategy({
      name: 'rogue',
      optionsSchema: z.strictObject({}),
      create: () => ({ select: (candidates) => ({ ...candidates.first()!, id: 'ghost' }) }),
    });
    const core = await createTestCore({}, { strategies: [{ definition: declining }, { definition: rogue }] });
    register(core, { agentId: 'one', capabilities: ['work'] });
    await expect(distribute(core, 'rogue')).rejects.toBeInstanceOf(TaskDistributionError);
    await expect(distribute(core, 'rogue')).rejects.toMatchObject({
      code: 'STRATEGY_INVALID_CHOICE',
      details: { strategy: 'rogue' },
    });
    expect(core.distributor.listTasks()).toEqual([]);
    await expect(distribute(core, 'declining')).rejects.toThrow(/was queued/);
    expect(core.distributor.getAgent('one').load).toBe(0);
    expect(core.distributor.listTasks().map((task) => task.status)).toEqual(['queued']);
  });

  it('tells a learning strategy about assignments and outcomes with latency, and survives a throwing hook', async () => {
    const events: string[] = [];
    const outcomes: StrategyOutcome[] = [];
    const learning = defineStrategy({
      name: 'learning',
      optionsSchema: z.strictObject({}),
      create: () => ({
        select: (candidates) => candidates.first(),
        onAssigned: (agent, task) => events.push(`assigned ${task.id} to ${agent.id}`),
        onCompleted: (outcome) => {
          outcomes.push(outcome);
          throw new Error('hook bug');
        },
        onFailed: (outcome) => outcomes.push(outcome),
      }),
    });
    const core = await createTestCore({}, { strategies: [{ definition: learning }] });
    register(core, { agentId: 'one', capabilities: ['work'] });
    await core.distributor.distributeTask({
      taskId: 'ok',
      taskType: 't',
      requiredCapabilities: ['work'],
      taskData: 1,
      senderId: 's',
      strategy: 'learning',
    });
    await core.distributor.distributeTask({
      taskId: 'bad',
      taskType: 't',
      requiredCapabilities: ['work'],
      taskData: 1,
      senderId: 's',
      strategy: 'learning',
    });
    core.distributor.handleTaskResponse({ taskId: 'ok', agentId: 'one', status: 'completed', result: 'fine' });
    core.distributor.handleTaskResponse({
      taskId: 'bad',
      agentId: 'one',
      status: 'failed',
      error: { message: 'nope' },
    });
    expect(events).toEqual(['assigned ok to one', 'assigned bad to one']);
    expect(outcomes.map((outcome) => [outcome.task.id, outcome.error?.message])).toEqual([
      ['ok', undefined],
      ['bad', 'nope'],
    ]);
    expect(outcomes.every((outcome) => outcome.latencyMs >= 0)).toBe(true);
    expect(core.distributor.getAgent('one')).toMatchObject({ load: 0, stats: { completed: 1, failed: 1 } });
  });
});
