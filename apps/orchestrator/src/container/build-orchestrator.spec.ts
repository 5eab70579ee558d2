import 'reflect-metadata';
import { SilentLogger } from '@switchyard/core';
import { resolveConfig } from '../config/load-config.js';
import { startDemoFleet, stopDemoFleet } from '../demo/demo-fleet.js';
import { runDemoTask } from '../demo/run-demo-task.js';
import { describe, expect, it } from 'vitest';
import { buildOrchestrator } from './build-orchestrator.js';

describe('buildOrchestrator', () => {
  it('builds a working container from config: distribute → demo agent → result over the in-memory transport', async () => {
    const { config } = await resolveConfig({
      distribution: { defaultStrategy: 'round_robin' },
      demo: {
        agents: [
          { id: 'a', capabilities: ['echo'], latencyMs: 0 },
          { id: 'b', capabilities: ['echo'], latencyMs: 0 },
        ],
      },
    });
    const orchestrator = await buildOrchestrator(config, new SilentLogger());
    await orchestrator.engine.start();
    const fleet = await startDemoFleet(
      config.demo.agents,
      () => orchestrator.connectAgentTransport(),
      new SilentLogger(),
    );
    const taskType = { type: 'echo', requiredCapabilities: ['echo'], priority: 'normal' as const };
    const outcomes = [];
    for (let sequence = 0; sequence < 4; sequence++)
      outcomes.push(await runDemoTask(orchestrator.engine, orchestrator.internalToken, taskType, sequence));
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.agentId : outcome.code))).toEqual(['a', 'b', 'a', 'b']);
    await stopDemoFleet(fleet);
    await orchestrator.engine.stop();
    expect(orchestrator.distributor.listAgents()).toEqual([]);
  });

  it('keeps the in-process token out of reach of configured tokens', async () => {
    const { config } = await resolveConfig({});
    const first = await buildOrchestrator(config, new SilentLogger());
    const second = await buildOrchestrator(config, new SilentLogger());
    expect(first.internalToken).not.toBe(second.internalToken);
    await expect(second.engine.listAgents({ authToken: first.internalToken })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});
