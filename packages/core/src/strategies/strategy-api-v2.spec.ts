import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { StrategyError } from '../errors/strategy-error.js';
import { TaskDistributionError } from '../errors/task-distribution-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { AgentView } from '../models/agent-view.js';
import type { LogFields, Logger } from '../ports/logger.js';
import { AgentRegistry } from '../registry/agent-registry.js';
import { createTestCore } from '../testing/create-test-core.test-helpers.js';
import { StrategyRegistry } from './strategy-registry.js';
import { defineStrategy } from './define-strategy.js';
import type { DistributionStrategy } from './distribution-strategy.js';
import { decline } from './strategy-decline.js';
import type { AgentEvent, StrategyServices } from './strategy-services.js';

const NO_OPTIONS = z.strictObject({});

class MemoryLogger implements Logger {
  readonly entries: { level: string; message: string; fields: LogFields | undefined }[] = [];
  debug(message: string, fields?: LogFields): void {
    this.entries.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.entries.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.entries.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.entries.push({ level: 'error', message, fields });
  }
}

let taskCounter = 0;
function task(
  strategy: string,
): Parameters<Awaited<ReturnType<typeof createTestCore>>['distributor']['distributeTask']>[0] {
  taskCounter++;
  return {
    taskId: `v2-${String(taskCounter)}`,
    taskType: 'test',
    requiredCapabilities: ['work'],
    taskData: null,
    senderId: 'spec',
    strategy,
  };
}

describe('agent views handed to strategies', () => {
  it('throw on every attempt to change the agent, and the registry keeps its values', async () => {
    const attempts: string[] = [];
    const vandal = defineStrategy({
      name: 'vandal',
      optionsSchema: NO_OPTIONS,
      create: () => ({
        select(candidates) {
          const agent = candidates.first();
          if (agent === undefined) return undefined;
          const tries: [string, () => void][] = [
            ['load', () => ((agent as { load: number }).load = 999)],
            ['priority', () => ((agent as { priority: number }).priority = 999)],
            ['capabilities', () => (agent.capabilities as Set<string>).add('gpu')],
            ['metadata', () => ((agent.metadata as Record<string, unknown>).zone = 'elsewhere')],
            ['stats', () => ((agent.stats as { completed: number }).completed = 5)],
            ['new field', () => ((agent as unknown as Record<string, unknown>).extra = 1)],
          ];
          for (const [what, change] of tries) {
            try {
              change();
            } catch (error) {
              if (error instanceof TypeError) attempts.push(what);
            }
          }
          return agent;
        },
      }),
    });
    const core = await createTestCore({}, { strategies: [{ definition: vandal }] });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'], capacity: 4, metadata: { zone: 'here' } });
    await core.distributor.distributeTask(task('vandal'));
    expect(attempts).toEqual(['load', 'priority', 'capabilities', 'metadata', 'stats', 'new field']);
    expect(core.distributor.getAgent('one')).toMatchObject({
      load: 1,
      priority: 0,
      capabilities: ['work'],
      metadata: { zone: 'here' },
      stats: { completed: 0 },
    });
    expect(core.distributor.listAgents().flatMap((agent) => agent.capabilities)).toEqual(['work']);
  });

  it('refuse a copy of a candidate as the choice with STRATEGY_INVALID_CHOICE naming the strategy', async () => {
    const copier = defineStrategy({
      name: 'copier',
      optionsSchema: NO_OPTIONS,
      create: () => ({ select: (candidates) => ({ ...candidates.first() }) as AgentView }),
    });
    const core = await createTestCore({}, { strategies: [{ definition: copier }] });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'] });
    const failure = await core.distributor.distributeTask(task('copier')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskDistributionError);
    expect(failure).toMatchObject({ code: 'STRATEGY_INVALID_CHOICE', details: { strategy: 'copier' } });
    expect((failure as Error).message).toContain("Strategy 'copier'");
  });

  it('are one object per agent, also in hooks, so a strategy may compare them by identity', async () => {
    const seen: AgentView[] = [];
    const remembering = defineStrategy({
      name: 'remembering',
      optionsSchema: NO_OPTIONS,
      create: () => ({
        select: (candidates) => candidates.first(),
        onAssigned: (agent) => seen.push(agent),
      }),
    });
    const core = await createTestCore({}, { strategies: [{ definition: remembering }] });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'] });
    await core.distributor.distributeTask(task('remembering'));
    await core.distributor.distributeTask(task('remembering'));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(JSON.parse(JSON.stringify(seen[0]))).toMatchObject({ id: 'one', capabilities: ['work'] });
  });
});

describe('the strategy lifecycle', () => {
  it('creates each configured strategy exactly once and disposes it once', async () => {
    let created = 0;
    let disposed = 0;
    const counted = defineStrategy({
      name: 'counted',
      optionsSchema: NO_OPTIONS,
      create: () => {
        created++;
        return {
          select: (candidates) => candidates.first(),
          dispose: () => {
            disposed++;
          },
        };
      },
    });
    const core = await createTestCore(
      {},
      { strategies: [{ definition: counted }, { definition: counted, name: 'counted-again' }] },
    );
    const registry = core.container.get(StrategyRegistry);
    expect(created).toBe(2);
    registry.dispose();
    registry.dispose();
    expect(disposed).toBe(2);
  });

  it('turns a throwing create() into STRATEGY_CREATE_FAILED naming the strategy, and disposes the ones created before', async () => {
    let disposed = 0;
    const fine = defineStrategy({
      name: 'fine',
      optionsSchema: NO_OPTIONS,
      create: () => ({
        select: () => undefined,
        dispose: () => {
          disposed++;
        },
      }),
    });
    const broken = defineStrategy({
      name: 'broken',
      optionsSchema: NO_OPTIONS,
      create: () => {
        throw new Error('no connection');
      },
    });
    const failure = await createTestCore(
      {},
      { strategies: [{ definition: fine }, { definition: broken, source: 'strategies.1 (./broken.mjs)' }] },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StrategyError);
    expect(failure).toMatchObject({
      code: 'STRATEGY_CREATE_FAILED',
      details: { strategy: 'broken', source: 'strategies.1 (./broken.mjs)' },
    });
    expect((failure as Error).message).toBe(
      "Strategy 'broken' (strategies.1 (./broken.mjs)): create() threw: no connection",
    );
    expect(disposed).toBe(1);
  });

  it('refuses at load a create() that returns no select function', () => {
    const hollow = defineStrategy({
      name: 'hollow',
      optionsSchema: NO_OPTIONS,
      create: () => ({}) as unknown as DistributionStrategy,
    });
    const registry = new StrategyRegistry({ now: () => 0 });
    const failure = (() => {
      try {
        registry.register(hollow);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).issues).toEqual([
      { field: 'create', message: 'create() must return an object with a select(candidates, task) function' },
    ]);
    expect(registry.find('hollow')).toBeUndefined();
  });

  it('still loads a plugin built against API version 1, unchanged', async () => {
    const v1 = {
      kind: 'switchyard.strategy',
      apiVersion: 1,
      name: 'old-style',
      description: '',
      optionsSchema: NO_OPTIONS,
      create: (_options: unknown, services: { now: () => number; random: () => number }) => ({
        select: (candidates: { at(index: number): AgentView | undefined; size: number }) =>
          candidates.at(Math.floor(services.random() * candidates.size)),
      }),
    };
    const core = await createTestCore({}, { strategies: [{ definition: v1 }] });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'] });
    await expect(core.distributor.distributeTask(task('old-style'))).resolves.toMatchObject({
      status: 'assigned',
      agentId: 'one',
    });
  });

  it('queues a declined task and names the reason when it times out in the queue', async () => {
    const picky = defineStrategy({
      name: 'picky',
      optionsSchema: NO_OPTIONS,
      create: () => ({ select: () => decline('every agent is in the wrong zone') }),
    });
    const logger = new MemoryLogger();
    const core = await createTestCore(
      { tasks: { queue: { timeoutMs: 20 } } },
      { strategies: [{ definition: picky }], logger },
    );
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'] });
    const assignment = await core.distributor.distributeTask(task('picky'));
    expect(assignment.status).toBe('queued');
    const deadline = Date.now() + 10_000;
    while (core.distributor.getTask(assignment.taskId).status === 'queued' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(core.distributor.getTask(assignment.taskId)).toMatchObject({
      status: 'failed',
      error: {
        code: 'QUEUE_TIMEOUT',
        message: expect.stringContaining("strategy 'picky' declined it: every agent is in the wrong zone") as unknown,
      },
    });
    expect(logger.entries).toContainEqual({
      level: 'debug',
      message: 'declined a task',
      fields: { taskId: assignment.taskId, reason: 'every agent is in the wrong zone', strategy: 'picky' },
    });
  });
});

describe('services', () => {
  function capture(
    name: string,
    sink: { services?: StrategyServices },
  ): ReturnType<typeof defineStrategy<typeof NO_OPTIONS>> {
    return defineStrategy({
      name,
      optionsSchema: NO_OPTIONS,
      create: (_options, services) => {
        sink.services = services;
        return { select: (candidates) => candidates.first() };
      },
    });
  }

  it('give a logger scoped to the strategy and a metrics handle the registry reports', async () => {
    const sink: { services?: StrategyServices } = {};
    const logger = new MemoryLogger();
    const core = await createTestCore({}, { strategies: [{ definition: capture('watched', sink) }], logger });
    const services = sink.services!;
    services.logger.info('ready', { shards: 3, strategy: 'forged' });
    services.metrics.increment('picks');
    services.metrics.increment('picks', 2);
    services.metrics.set('ring_size', 12);
    expect(logger.entries).toContainEqual({
      level: 'info',
      message: 'ready',
      fields: { shards: 3, strategy: 'watched' },
    });
    expect(core.container.get(StrategyRegistry).metrics()).toEqual([
      { strategy: 'watched', name: 'picks', kind: 'counter', value: 3 },
      { strategy: 'watched', name: 'ring_size', kind: 'gauge', value: 12 },
    ]);
    expect(() => {
      services.metrics.increment('Bad Name');
    }).toThrow(ValidationError);
    expect(() => {
      services.metrics.increment('picks', -1);
    }).toThrow(ValidationError);
    expect(() => {
      services.metrics.set('picks', 1);
    }).toThrow(/is a counter/);
  });

  it('give a random seeded from distribution.randomSeed and the strategy name', async () => {
    const draws = async (seed: number, name: string): Promise<number[]> => {
      const sink: { services?: StrategyServices } = {};
      await createTestCore(
        { distribution: { randomSeed: seed } },
        { strategies: [{ definition: capture(name, sink) }] },
      );
      return Array.from({ length: 5 }, () => sink.services!.random());
    };
    const first = await draws(42, 'seeded');
    expect(await draws(42, 'seeded')).toEqual(first);
    expect(await draws(43, 'seeded')).not.toEqual(first);
    expect(await draws(42, 'other')).not.toEqual(first);
    for (const value of first) expect(value >= 0 && value < 1).toBe(true);
  });

  it('tell of agents joining, changing priority, capacity or capabilities, and leaving; nothing after dispose', async () => {
    const sink: { services?: StrategyServices } = {};
    const core = await createTestCore({}, { strategies: [{ definition: capture('listening', sink) }] });
    const events: string[] = [];
    sink.services!.agents.on((event: AgentEvent) => {
      events.push(
        event.type === 'changed'
          ? `changed ${event.agent.id} ${event.changes.join('+')}`
          : `${event.type} ${event.agent.id}`,
      );
    });
    sink.services!.agents.on(() => {
      throw new Error('a careless listener');
    });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'] });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work'], priority: 5 });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work', 'gpu'], priority: 5, capacity: 2 });
    core.distributor.registerAgent({ agentId: 'one', capabilities: ['work', 'gpu'], priority: 5, capacity: 2 });
    core.distributor.unregisterAgent('one');
    expect(events).toEqual(['joined one', 'changed one priority', 'changed one capabilities+capacity', 'left one']);
    core.container.get(StrategyRegistry).dispose();
    core.distributor.registerAgent({ agentId: 'two', capabilities: ['work'] });
    expect(events).toHaveLength(4);
  });
});

describe('weighted picks on the candidate view', () => {
  it('draw each candidate in proportion to its priority, following priority and availability changes', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 8 });
    registry.register({ agentId: 'heavy', capabilities: ['work'], priority: 9 }, 0);
    registry.register({ agentId: 'light', capabilities: ['work'], priority: 1 }, 0);
    registry.register({ agentId: 'none', capabilities: ['work'], priority: 0 }, 0);
    const pool = registry.candidates(['work']);
    expect(pool.totalWeight).toBe(10);
    const tally = (): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (let draw = 0; draw < 1000; draw++) {
        const id = pool.sampleByWeight(draw / 1000)?.id ?? 'nobody';
        counts[id] = (counts[id] ?? 0) + 1;
      }
      return counts;
    };
    expect(tally()).toEqual({ heavy: 900, light: 100 });
    registry.register({ agentId: 'light', capabilities: ['work'], priority: 3 }, 1);
    expect(pool.totalWeight).toBe(12);
    expect(tally()).toEqual({ heavy: 750, light: 250 });
    registry.setStatus(registry.require('heavy'), 'offline');
    expect(tally()).toEqual({ light: 1000 });
    registry.setStatus(registry.require('light'), 'offline');
    expect(pool.totalWeight).toBe(0);
    // Nobody with a positive priority: every candidate is as likely.
    expect(tally()).toEqual({ none: 1000 });
  });

  it('move membersVersion on a re-registration with another priority, capacity or capability list, not on load', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 8 });
    const { agent } = registry.register({ agentId: 'one', capabilities: ['work'], priority: 1 }, 0);
    const pool = registry.candidates(['work']);
    const versions = [pool.membersVersion];
    const step = (): boolean => {
      versions.push(pool.membersVersion);
      return (versions.at(-1) as number) !== (versions.at(-2) as number);
    };
    registry.setLoad(agent, 1);
    expect(step()).toBe(false);
    registry.register({ agentId: 'one', capabilities: ['work'], priority: 1 }, 1);
    expect(step()).toBe(false);
    registry.register({ agentId: 'one', capabilities: ['work'], priority: 2 }, 1);
    expect(step()).toBe(true);
    registry.register({ agentId: 'one', capabilities: ['work'], priority: 2, capacity: 3 }, 1);
    expect(step()).toBe(true);
    registry.register({ agentId: 'one', capabilities: ['work', 'gpu'], priority: 2, capacity: 3 }, 1);
    expect(step()).toBe(true);
    const events: string[] = [];
    registry.watch((change) => events.push(change.type === 'changed' ? change.changes.join('+') : change.type));
    registry.setCapacity(agent, 5);
    expect(step()).toBe(true);
    expect(events).toEqual(['capacity']);
  });
});
