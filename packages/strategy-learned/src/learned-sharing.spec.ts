import type { AgentView, SharedState } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, ValidationError } from '@switchyard/core';
import type { NatsServerHandle } from '@switchyard/testing';
import { buildTask, CandidateFleet, startNatsServer, TestStrategyServices, waitUntil } from '@switchyard/testing';
import { createMemoryTransportModule } from '@switchyard/transport-memory';
import { createNatsSharedStateModule, JetStreamSharedState } from '@switchyard/transport-nats';
import { Container } from 'inversify';
import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LearnedDistributionStrategy } from './learned-distribution-strategy.js';
import { learnedOptionsSchema } from './learned-options.js';
import { learnedStrategy } from './learned-strategy.js';
import { decodeSharedArms } from './shared-arms-codec.js';

const FLEET = [{ id: 'x' }, { id: 'y' }, { id: 'z' }];

describe('learned strategy sharing what it learns between orchestrators (JetStream KV)', () => {
  let server: NatsServerHandle;
  let prefix: string;
  const closers: (() => Promise<void> | void)[] = [];

  beforeEach(async () => {
    server = await startNatsServer();
    prefix = `learned${String(Math.floor(Math.random() * 1e9))}`;
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await server.stop();
  });

  function sharedState(servers = [server.url]): JetStreamSharedState {
    const state = new JetStreamSharedState({ kind: 'nats', servers, subjectPrefix: prefix, connectTimeoutMs: 2_000 });
    closers.push(() => state.close());
    return state;
  }

  /** One orchestrator's learned strategy, with the services core would give it. */
  function replica(
    options: Record<string, unknown>,
    state: SharedState | undefined,
  ): { strategy: LearnedDistributionStrategy; services: TestStrategyServices } {
    const services = new TestStrategyServices({
      now: () => 1_000,
      seed: 7,
      ...(state === undefined ? {} : { sharedState: state }),
    });
    const strategy = new LearnedDistributionStrategy(learnedOptionsSchema.parse({ key: 'type', ...options }), services);
    closers.push(() => {
      strategy.dispose();
    });
    return { strategy, services };
  }

  /** x always fails tasks of type T, y and z always succeed. */
  function teachXIsBad(strategy: LearnedDistributionStrategy, fleet: CandidateFleet): void {
    for (let round = 0; round < 30; round++) {
      for (const id of ['x', 'y', 'z']) {
        const agent = fleet.candidates().get(id) as AgentView;
        const task = buildTask({ type: 'T' });
        if (id === 'x') strategy.onFailed({ agent, task, latencyMs: 100, error: { message: 'failed' } });
        else strategy.onCompleted({ agent, task, latencyMs: 100 });
      }
    }
  }

  function picksOfX(strategy: LearnedDistributionStrategy, fleet: CandidateFleet, decisions = 300): number {
    let picks = 0;
    for (let decision = 0; decision < decisions; decision++) {
      if (strategy.select(fleet.candidates(), buildTask({ type: 'T' }))?.id === 'x') picks++;
    }
    return picks;
  }

  it('a replica that saw nothing avoids the agent another replica learned is bad, after one sync', async () => {
    const fleet = new CandidateFleet(FLEET);
    const quiet = { share: { intervalMs: 3_600_000 } };
    const learner = replica(quiet, sharedState()).strategy;
    const newcomer = replica(quiet, sharedState()).strategy;
    teachXIsBad(learner, fleet);
    // Knowing nothing, the newcomer spreads its picks over x, y and z.
    expect(picksOfX(newcomer, fleet)).toBeGreaterThan(60);
    await learner.syncShared();
    // What a replica published outlives it: the newcomer reads it after the learner stopped.
    learner.dispose();
    await newcomer.syncShared();
    expect(newcomer.sharedArmCount).toBe(3);
    expect(picksOfX(newcomer, fleet)).toBeLessThan(10);
    // Nothing is echoed: the newcomer published only its own evidence (none), not what it heard.
    await newcomer.syncShared();
    const published = await sharedState().entries('table');
    expect(
      [...published.values()]
        .map((value) => {
          const arms = decodeSharedArms(value);
          return arms instanceof Error ? -1 : arms.length;
        })
        .sort(),
    ).toEqual([0, 3]);
    // Other task types are untouched by what was shared about T.
    let otherTypePicksOfX = 0;
    for (let decision = 0; decision < 300; decision++)
      if (newcomer.select(fleet.candidates(), buildTask({ type: 'U' }))?.id === 'x') otherTypePicksOfX++;
    expect(otherTypePicksOfX).toBeGreaterThan(60);
  });

  it('leaves out, with a warning, a table another replica published that it does not understand', async () => {
    const fleet = new CandidateFleet(FLEET);
    const learner = replica({ share: { intervalMs: 3_600_000 } }, sharedState()).strategy;
    const { strategy: newcomer, services } = replica({ share: { intervalMs: 3_600_000 } }, sharedState());
    teachXIsBad(learner, fleet);
    await learner.syncShared();
    await sharedState().put('table.from-the-future', new TextEncoder().encode('{"v":2,"arms":[]}'));
    await newcomer.syncShared();
    expect(newcomer.sharedArmCount).toBe(3);
    expect(services.logs.map((entry) => [entry.level, entry.fields?.entry])).toEqual([
      ['warn', 'table.from-the-future'],
    ]);
  });

  it('publishes as many of its newest records as fit in one value: half as many again until they do', async () => {
    const learner = replica({ share: { intervalMs: 3_600_000, maxArms: 2_000 } }, sharedState()).strategy;
    const newcomer = replica({ share: { intervalMs: 3_600_000 } }, sharedState()).strategy;
    // 2,000 records with 400-character agent ids are about 1 MiB: over the 512 KiB a value may hold.
    const fleet = new CandidateFleet(
      Array.from({ length: 2_000 }, (_, index) => ({ id: `${String(index).padStart(4, '0')}-${'a'.repeat(395)}` })),
    );
    for (const agent of fleet.candidates())
      learner.onCompleted({ agent, task: buildTask({ type: 'T' }), latencyMs: 10 });
    await learner.syncShared();
    await newcomer.syncShared();
    expect(newcomer.sharedArmCount).toBe(1_000);
  });

  it('syncs by itself every intervalMs, and stops when disposed', async () => {
    const fleet = new CandidateFleet(FLEET);
    const learner = replica({ share: { intervalMs: 100 } }, sharedState());
    const follower = replica({ share: { intervalMs: 100 } }, sharedState());
    teachXIsBad(learner.strategy, fleet);
    await waitUntil(() => follower.strategy.sharedArmCount === 3, 'the follower heard of x, y and z');
    expect(picksOfX(follower.strategy, fleet)).toBeLessThan(10);
    follower.strategy.dispose();
    // After dispose this only waits for an exchange that was under way.
    await follower.strategy.syncShared();
    const syncsAtDispose = follower.strategy.sharedSyncCount;
    const learnerSyncs = learner.strategy.sharedSyncCount;
    // The learner, on the same interval, goes on syncing: three more of its syncs without one of the follower's.
    await waitUntil(() => learner.strategy.sharedSyncCount >= learnerSyncs + 3, 'the learner synced three more times');
    expect(follower.strategy.sharedSyncCount).toBe(syncsAtDispose);
    // It still decides with what it had.
    expect(picksOfX(follower.strategy, fleet)).toBeLessThan(10);
  });

  it('keeps deciding and learning locally when the shared state cannot be reached, logging it once per minute', async () => {
    const port = server.port;
    await server.stop();
    const fleet = new CandidateFleet(FLEET);
    const { strategy, services } = replica(
      { share: { intervalMs: 3_600_000 } },
      sharedState([`nats://127.0.0.1:${String(port)}`]),
    );
    await strategy.syncShared();
    await strategy.syncShared();
    expect(strategy.sharedSyncCount).toBe(2);
    expect(services.logs.map((entry) => [entry.level, entry.message])).toEqual([
      ['warn', 'publishing the learned table failed'],
    ]);
    teachXIsBad(strategy, fleet);
    expect(picksOfX(strategy, fleet)).toBeLessThan(10);
    server = await startNatsServer({ port });
  });

  it('keeps deciding with what it heard when the server goes away after sharing worked, logging the failures once', async () => {
    const fleet = new CandidateFleet(FLEET);
    const learner = replica({ share: { intervalMs: 3_600_000 } }, sharedState()).strategy;
    const { strategy: follower, services } = replica({ share: { intervalMs: 3_600_000 } }, sharedState());
    teachXIsBad(learner, fleet);
    await learner.syncShared();
    await follower.syncShared();
    expect(follower.sharedArmCount).toBe(3);
    const port = server.port;
    await server.stop();
    await follower.syncShared();
    expect(services.logs.filter((entry) => entry.level === 'warn')).toHaveLength(1);
    expect(follower.sharedArmCount).toBe(3);
    expect(picksOfX(follower, fleet)).toBeLessThan(10);
    server = await startNatsServer({ port });
  });

  it('learns alone, with a warning, where the transport has no shared state (memory)', () => {
    const fleet = new CandidateFleet(FLEET);
    const { strategy, services } = replica({ share: {} }, undefined);
    expect(services.logs.map((entry) => entry.message)).toEqual([
      'share is set but this transport has no shared state: learning alone',
    ]);
    teachXIsBad(strategy, fleet);
    expect(picksOfX(strategy, fleet)).toBeLessThan(10);
    expect(strategy.sharedSyncCount).toBe(0);
  });

  it('refuses bad share options with a ValidationError naming the field, through the core an orchestrator builds', () => {
    const refused = (share: unknown): string[] => {
      const container = new Container();
      container.load(
        createCoreModule(
          { distribution: { defaultStrategy: 'learned' } },
          { strategies: [{ definition: learnedStrategy, options: { share } }] },
        ),
        createMemoryTransportModule(),
        createNatsSharedStateModule(sharedState()),
      );
      try {
        container.get(OrchestrationEngine);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).issues.map((issue) => issue.field).sort();
      }
      throw new Error('options were accepted');
    };
    expect(refused({ intervalMs: 5 })).toEqual(['options.share.intervalMs']);
    expect(refused({ key: 'a.b' })).toEqual(['options.share.key']);
    expect(refused({ maxArms: 0, intervalMs: 1.5 })).toEqual(['options.share.intervalMs', 'options.share.maxArms']);
    expect(refused({ everyMs: 1_000 })).toEqual(['options.share']);
    expect(refused('yes')).toEqual(['options.share']);
  });
});
