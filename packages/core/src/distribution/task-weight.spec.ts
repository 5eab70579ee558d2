import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy } from '../strategies/define-strategy.js';
import type { CandidateView } from '../strategies/candidate-view.js';
import { TaskDistributionError } from '../errors/task-distribution-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { EnvelopeSchema } from '../models/envelope.js';
import { parseEnvelopeFast } from '../validation/parse-envelope-fast.js';
import { ADMIN_TOKEN, createTestCore } from '../testing/create-test-core.test-helpers.js';
import type { TestCore } from '../testing/create-test-core.test-helpers.js';
import 'reflect-metadata';
import { Container } from 'inversify';
import { createCoreModule } from '../di/create-core-module.js';
import { TOKENS } from '../di/tokens.js';
import { OrchestrationEngine } from '../engine/orchestration-engine.js';
import type { JournaledTask } from '../models/journaled-task.js';
import { JournaledTaskSchema } from '../models/journaled-task.js';
import { RecordingTransport } from '../testing/recording-transport.test-helpers.js';
import { InMemoryJournalStore } from './in-memory-task-journal.js';
import { TaskDistributor } from './task-distributor.js';
import { TaskRecord } from './task-record.js';

function task(taskId: string, weight?: number) {
  return {
    taskId,
    taskType: 'test',
    requiredCapabilities: ['work'],
    taskData: null,
    senderId: 'spec',
    ...(weight === undefined ? {} : { weight }),
  };
}

function loadOf(core: TestCore, agentId: string): number {
  return core.distributor.getAgent(agentId).load;
}

function state(core: TestCore) {
  return {
    agents: core.distributor.listAgents(),
    tasks: core.distributor.listTasks({ limit: 10_000 }),
    sent: core.transport.sent.length,
  };
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('task weight (units of agent capacity)', () => {
  it('goes only to an agent with that much room, whose load rises by the weight and falls by it on the answer', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'small', capabilities: ['work'], capacity: 2 });
    core.distributor.registerAgent({ agentId: 'big', capabilities: ['work'], capacity: 4 });
    // capability_match would take 'small' (registered first): it has 2 free units, the task needs 3.
    const assignment = await core.distributor.distributeTask(task('heavy', 3));
    expect(assignment).toMatchObject({ status: 'assigned', agentId: 'big' });
    expect(loadOf(core, 'big')).toBe(3);
    expect(core.distributor.getTask('heavy').weight).toBe(3);
    // One unit left on 'big', two on 'small': a weight-2 task goes to 'small'.
    expect(await core.distributor.distributeTask(task('medium', 2))).toMatchObject({ agentId: 'small' });
    core.distributor.handleTaskResponse({ taskId: 'heavy', agentId: 'big', status: 'completed', result: 1 });
    expect(loadOf(core, 'big')).toBe(0);
    expect(loadOf(core, 'small')).toBe(2);
  });

  it('weighs 1 when it declares nothing, and the task request then carries no weight', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], capacity: 5 });
    await core.distributor.distributeTask(task('plain'));
    await core.distributor.distributeTask(task('heavy', 4));
    expect(loadOf(core, 'a')).toBe(5);
    const [plain, heavy] = core.transport.taskRequests();
    expect(plain?.payload).not.toHaveProperty('weight');
    expect(heavy?.payload.weight).toBe(4);
    expect(core.distributor.getTask('plain').weight).toBe(1);
  });

  it('gives the weight back when the attempt times out, and when the task is cancelled', async () => {
    const core = await createTestCore({ tasks: { retry: { maxAttempts: 1 } } });
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], capacity: 6 });
    await core.distributor.distributeTask({ ...task('slow', 4), attemptTimeoutMs: 20 });
    expect(loadOf(core, 'a')).toBe(4);
    await waitFor(() => core.distributor.getTask('slow').status === 'dead_lettered');
    expect(loadOf(core, 'a')).toBe(0);
    await core.distributor.distributeTask(task('cancelled', 5));
    expect(loadOf(core, 'a')).toBe(5);
    core.distributor.cancelTask('cancelled', 'not needed');
    expect(loadOf(core, 'a')).toBe(0);
  });

  it('waits in the queue while no capable agent has room, and goes out once enough is freed', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], capacity: 4 });
    await core.distributor.distributeTask(task('one'));
    await core.distributor.distributeTask(task('two'));
    // 2 units free: the agent is still a candidate for a light task, but not for this one.
    expect(await core.distributor.distributeTask(task('three-units', 3))).toMatchObject({ status: 'queued' });
    expect(loadOf(core, 'a')).toBe(2);
    core.distributor.handleTaskResponse({ taskId: 'one', agentId: 'a', status: 'completed' });
    expect(core.distributor.getTask('three-units')).toMatchObject({ status: 'assigned', assignedAgentId: 'a' });
    expect(loadOf(core, 'a')).toBe(4);
  });

  it('says why in the queue timeout when no agent ever had room for it', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], capacity: 3 });
    await core.distributor.distributeTask(task('hog', 2));
    await core.distributor.distributeTask({ ...task('waits', 3), queueTimeoutMs: 20 });
    await waitFor(() => core.distributor.getTask('waits').status === 'failed');
    const error = core.distributor.getTask('waits').error;
    expect(error?.code).toBe('QUEUE_TIMEOUT');
    expect(error?.message).toContain('no capable agent has 3 free units of capacity');
  });

  it('is refused with TASK_TOO_HEAVY, keeping nothing, when it outweighs every capable agent’s capacity', async () => {
    const core = await createTestCore();
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], capacity: 2 });
    core.distributor.registerAgent({ agentId: 'b', capabilities: ['work'], capacity: 3 });
    core.distributor.registerAgent({ agentId: 'other', capabilities: ['else'], capacity: 100 });
    const before = state(core);
    const failure = await core.distributor.distributeTask(task('elephant', 4)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskDistributionError);
    expect(failure).toMatchObject({ code: 'TASK_TOO_HEAVY', details: { weight: 4, largestCapacity: 3 } });
    expect(state(core)).toEqual(before);
    // An agent without a capacity bound takes any weight.
    core.distributor.registerAgent({ agentId: 'unbounded', capabilities: ['work'] });
    expect(await core.distributor.distributeTask(task('elephant', 4))).toMatchObject({ agentId: 'unbounded' });
  });

  it.each([0, -1, 1.5, '2', null, 1_000_001])(
    'refuses weight %j at distributeTask, createTask and runTask with a ValidationError naming it, changing nothing',
    async (weight) => {
      const core = await createTestCore();
      core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], capacity: 5 });
      const before = state(core);
      const bad = { ...task('bad'), weight } as unknown as ReturnType<typeof task>;
      const failures = [
        await core.distributor.distributeTask(bad).catch((error: unknown) => error),
        await core.engine
          .createTask({ ...bad, authToken: ADMIN_TOKEN })
          .then(() => undefined)
          .catch((error: unknown) => error),
        await core.engine
          .runTask({ ...bad, authToken: ADMIN_TOKEN })
          .then(() => undefined)
          .catch((error: unknown) => error),
      ];
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(ValidationError);
        expect((failure as ValidationError).issues.map((issue) => issue.field)).toEqual(['weight']);
      }
      expect(state(core)).toEqual(before);
    },
  );

  it('is checked on the wire: a task request with a bad weight is refused by the schema and the fast path alike', () => {
    const envelope = (weight: unknown) => ({
      id: 'e1',
      kind: 'task_request',
      from: 'orchestrator',
      to: 'agent.a',
      priority: 'normal',
      sentAt: 1,
      payload: {
        taskId: 't',
        attempt: 1,
        fence: 'f'.repeat(16),
        taskType: 'x',
        requiredCapabilities: ['work'],
        data: null,
        senderId: 's',
        priority: 'normal',
        weight,
      },
    });
    expect(parseEnvelopeFast(envelope(3))).toBeDefined();
    expect(EnvelopeSchema.safeParse(envelope(3)).success).toBe(true);
    for (const weight of [0, 2.5, '3', 1_000_001]) {
      expect(parseEnvelopeFast(envelope(weight))).toBeUndefined();
      const parsed = EnvelopeSchema.safeParse(envelope(weight));
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['payload.weight']);
    }
  });

  it('shows a strategy only the candidates with room, and the weight on the task', async () => {
    const seen: { weight: number; candidates: string[] }[] = [];
    const recording = defineStrategy({
      name: 'recording',
      optionsSchema: z.strictObject({}),
      create: () => ({
        select(candidates: CandidateView, task) {
          seen.push({ weight: task.weight, candidates: [...candidates].map((agent) => agent.id).sort() });
          return candidates.minByLoadRatio();
        },
      }),
    });
    const core = await createTestCore(
      { distribution: { defaultStrategy: 'recording' } },
      { strategies: [{ definition: recording, options: {} }] },
    );
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], capacity: 1 });
    core.distributor.registerAgent({ agentId: 'b', capabilities: ['work'], capacity: 3 });
    core.distributor.registerAgent({ agentId: 'c', capabilities: ['work'], capacity: 5 });
    await core.distributor.distributeTask(task('w1'));
    await core.distributor.distributeTask(task('w3', 3));
    await core.distributor.distributeTask(task('w4', 4));
    expect(seen).toEqual([
      { weight: 1, candidates: ['a', 'b', 'c'] },
      { weight: 3, candidates: ['b', 'c'] },
      // The weight-1 task filled 'a', the weight-3 one 'b' (ties go to the earlier registration).
      { weight: 4, candidates: ['c'] },
    ]);
    for (const agent of core.distributor.listAgents()) expect(agent.load).toBeLessThanOrEqual(agent.capacity ?? 0);
  });

  it('shows the same narrowed candidate view to every decision of one weight, so a plugin may key a structure by it', async () => {
    const views: CandidateView[] = [];
    const keeping = defineStrategy({
      name: 'keeping',
      optionsSchema: z.strictObject({}),
      create: () => ({
        select(candidates: CandidateView) {
          views.push(candidates);
          return candidates.first();
        },
      }),
    });
    const core = await createTestCore(
      { distribution: { defaultStrategy: 'keeping' } },
      { strategies: [{ definition: keeping, options: {} }] },
    );
    core.distributor.registerAgent({ agentId: 'a', capabilities: ['work'], capacity: 10 });
    for (const [taskId, weight] of [
      ['x', 2],
      ['y', 2],
      ['z', 3],
    ] as const)
      await core.distributor.distributeTask(task(taskId, weight));
    expect(views[0]).toBe(views[1]);
    expect(views[2]).not.toBe(views[0]);
    expect(loadOf(core, 'a')).toBe(7);
  });

  it('survives the journal: the durable task keeps its weight, and a revision written before weights existed weighs 1', async () => {
    const store = new InMemoryJournalStore();
    const container = new Container();
    container.load(createCoreModule({}));
    container.bind(TOKENS.Transport).toConstantValue(new RecordingTransport());
    container.bind(TOKENS.TaskJournal).toConstantValue(store.journal('o1'));
    const engine = container.get(OrchestrationEngine);
    await engine.start();
    const distributor = container.get(TaskDistributor);
    distributor.registerAgent({ agentId: 'a', capabilities: ['work'], capacity: 5 });
    await distributor.distributeTask(task('durable', 4));
    await waitFor(() => distributor.listTasks().some((each) => each.id === 'durable' && each.status === 'assigned'));
    expect(distributor.getAgent('a').load).toBe(4);
    const written = store.writesOf('durable');
    expect(written.length).toBeGreaterThan(0);
    for (const revision of written) expect(revision.weight).toBe(4);
    const last = written.at(-1) as JournaledTask;
    expect(TaskRecord.fromJournal(JournaledTaskSchema.parse(last)).weight).toBe(4);
    const { weight: _weight, ...older } = last;
    expect(JournaledTaskSchema.parse(older).weight).toBe(1);
    expect(JournaledTaskSchema.safeParse({ ...last, weight: 0 }).error?.issues[0]?.path).toEqual(['weight']);
    await engine.stop();
  });
});
