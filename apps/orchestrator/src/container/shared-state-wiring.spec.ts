import 'reflect-metadata';
import type { DistributionStrategy } from '@switchyard/core';
import { SilentLogger, TOKENS } from '@switchyard/core';
import type { NatsServerHandle } from '@switchyard/testing';
import { buildTask, CandidateFleet, startNatsServer } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load-config.js';
import type { Orchestrator } from './build-orchestrator.js';
import { buildOrchestrator } from './build-orchestrator.js';

/** What the learned strategy adds for sharing (the plugin is loaded from its package, as in production). */
interface SharingStrategy extends DistributionStrategy {
  syncShared(): Promise<void>;
  readonly sharedArmCount: number;
}

function sharing(orchestrator: Orchestrator): SharingStrategy {
  const strategy = orchestrator.strategies.find('learned')?.strategy;
  if (strategy === undefined || !('syncShared' in strategy)) throw new Error('the learned strategy is not loaded');
  return strategy as SharingStrategy;
}

describe('services.sharedState wired from config', () => {
  let server: NatsServerHandle;
  const built: Orchestrator[] = [];

  beforeEach(async () => {
    server = await startNatsServer();
  });

  afterEach(async () => {
    for (const orchestrator of built.splice(0)) {
      orchestrator.strategies.dispose();
      await orchestrator.closeSharedState();
    }
    await server.stop();
  });

  async function orchestrator(transport: Record<string, unknown>): Promise<Orchestrator> {
    const { config } = await resolveConfig({
      mcp: { http: { enabled: false } },
      transport,
      strategies: [
        { package: '@switchyard/strategy-learned', options: { key: 'type', share: { intervalMs: 3_600_000 } } },
      ],
      distribution: { defaultStrategy: 'learned', randomSeed: 3 },
    });
    const result = await buildOrchestrator(config, new SilentLogger());
    built.push(result);
    return result;
  }

  it('lets two orchestrators on one NATS learn together: one learns x fails type T, the other avoids x', async () => {
    const nats = {
      kind: 'nats',
      servers: [server.url],
      subjectPrefix: `wired${String(Math.floor(Math.random() * 1e9))}`,
    };
    const learner = sharing(await orchestrator(nats));
    const newcomer = sharing(await orchestrator(nats));
    const fleet = new CandidateFleet([{ id: 'x' }, { id: 'y' }, { id: 'z' }]);
    for (let round = 0; round < 30; round++) {
      for (const id of ['x', 'y', 'z']) {
        const agent = fleet.candidates().get(id);
        if (agent === undefined) throw new Error(`no agent ${id}`);
        const task = buildTask({ type: 'T' });
        if (id === 'x') learner.onFailed?.({ agent, task, latencyMs: 50, error: { message: 'failed' } });
        else learner.onCompleted?.({ agent, task, latencyMs: 50 });
      }
    }
    await learner.syncShared();
    await newcomer.syncShared();
    expect(newcomer.sharedArmCount).toBe(3);
    let picksOfX = 0;
    for (let decision = 0; decision < 300; decision++)
      if (newcomer.select(fleet.candidates(), buildTask({ type: 'T' }))?.id === 'x') picksOfX++;
    expect(picksOfX).toBeLessThan(10);
  });

  it('gives strategies no shared state on the memory transport', async () => {
    const alone = sharing(await orchestrator({ kind: 'memory' }));
    await alone.syncShared();
    expect(alone.sharedArmCount).toBe(0);
    expect(built[0]?.container.isBound(TOKENS.SharedState)).toBe(false);
  });
});
