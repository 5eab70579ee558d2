import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentTask } from '@switchyard/agent';
import { SwitchyardAgent } from '@switchyard/agent';
import { SilentLogger } from '@switchyard/core';
import type { Deferred } from '@switchyard/testing';
import { deferred, waitUntil } from '@switchyard/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load-config.js';
import type { Orchestrator } from '../container/build-orchestrator.js';
import { buildOrchestrator } from '../container/build-orchestrator.js';

// Inside the workspace, so the plugin resolves @switchyard/core like an installed one would.
const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'e2e', 'generated', 'weight-plugins');

/** A plugin of the v2 API that draws by priority through the candidate view's weighted sampler. */
const SAMPLER_PLUGIN = `import { defineStrategy } from '@switchyard/core';
import { z } from 'zod';
export default defineStrategy({
  name: 'by_priority_sample',
  optionsSchema: z.strictObject({}),
  create: (_options, services) => ({ select: (candidates) => candidates.sampleByWeight(services.random()) }),
});
`;

/** Capacities from 1 to 8 and priorities that make most strategies prefer the smallest agents. */
const FLEET = [
  { agentId: 'a', capacity: 1, priority: 5 },
  { agentId: 'b', capacity: 2, priority: 4 },
  { agentId: 'c', capacity: 3, priority: 3 },
  { agentId: 'd', capacity: 5, priority: 1 },
  { agentId: 'e', capacity: 8, priority: 0 },
];

/** Mulberry32: the same sequence of weights and answers on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

beforeAll(async () => {
  await mkdir(pluginDir, { recursive: true });
  await writeFile(join(pluginDir, 'by-priority-sample.mjs'), SAMPLER_PLUGIN);
});

describe('every strategy honours task weight', () => {
  let orchestrator: Orchestrator | undefined;
  const agents: SwitchyardAgent[] = [];
  const held = new Map<string, Deferred<string>>();

  afterEach(async () => {
    for (const release of held.values()) release.resolve('released');
    held.clear();
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await orchestrator?.engine.stop();
    orchestrator = undefined;
  });

  it.each([
    'capability_match',
    'round_robin',
    'load_balanced',
    'priority_based',
    'latency_aware',
    'p2c',
    'affinity',
    'learned',
    'by_priority_sample',
  ])(
    '%s: no agent ever holds more units than its capacity, and each one’s load is the weight of the tasks it holds',
    async (strategy) => {
      const { config } = await resolveConfig({
        mcp: { http: { enabled: false } },
        strategies: [
          { package: '@switchyard/strategy-latency-aware' },
          { package: '@switchyard/strategy-p2c' },
          { package: '@switchyard/strategy-affinity' },
          { package: '@switchyard/strategy-learned' },
          { package: './by-priority-sample.mjs' },
        ],
        distribution: { defaultStrategy: strategy, randomSeed: 7 },
        tasks: { retry: { maxAttempts: 1 } },
      });
      const built = await buildOrchestrator(config, new SilentLogger(), pluginDir);
      orchestrator = built;
      await built.engine.start();
      const weights = new Map<string, number>();
      for (const spec of FLEET) {
        const agent = new SwitchyardAgent(
          { ...spec, capabilities: ['work'] },
          built.connectAgentTransport(),
          (task: AgentTask) => {
            weights.set(task.id, task.weight);
            const release = deferred<string>();
            held.set(task.id, release);
            return release.promise;
          },
        );
        agents.push(agent);
        await agent.start();
      }
      const { distributor } = built;
      const capacityOf = new Map(FLEET.map((spec) => [spec.agentId, spec.capacity]));
      const checkAccounting = (): void => {
        const assigned = distributor.listTasks({ status: 'assigned', limit: 10_000 });
        for (const agent of distributor.listAgents()) {
          const units = assigned
            .filter((task) => task.assignedAgentId === agent.id)
            .reduce((sum, task) => sum + task.weight, 0);
          expect(agent.load, agent.id).toBe(units);
          expect(agent.load, agent.id).toBeLessThanOrEqual(capacityOf.get(agent.id) ?? 0);
        }
      };
      const random = seeded(11);
      let submitted = 0;
      for (let step = 0; step < 120; step++) {
        const running = distributor.listTasks({ status: 'assigned', limit: 10_000 });
        if (random() < 0.6 || running.length === 0) {
          // Mostly light tasks, some that only the larger agents can hold.
          const weight = 1 + Math.floor(random() ** 2 * 8);
          await distributor.distributeTask({
            taskId: `t${String(submitted++)}`,
            taskType: 'job',
            requiredCapabilities: ['work'],
            taskData: { key: `k${String(step % 7)}` },
            senderId: 'spec',
            weight,
          });
        } else {
          const task = running[Math.floor(random() * running.length)];
          if (task === undefined) continue;
          await waitUntil(() => held.has(task.id), `task ${task.id} at its agent`);
          held.get(task.id)?.resolve('done');
          held.delete(task.id);
          await waitUntil(() => distributor.getTask(task.id).status === 'completed', `task ${task.id} booked`);
        }
        checkAccounting();
      }
      // Let everything finish: queued tasks go out as room frees up.
      await waitUntil(() => {
        for (const [taskId, release] of held) {
          release.resolve('done');
          held.delete(taskId);
        }
        return distributor.listTasks({ limit: 10_000 }).every((task) => task.status === 'completed');
      }, 'every task completed');
      checkAccounting();
      for (const agent of distributor.listAgents()) expect(agent.load).toBe(0);
      // Agents saw the weight each task was submitted with.
      for (const task of distributor.listTasks({ limit: 10_000 })) expect(weights.get(task.id)).toBe(task.weight);
      expect(new Set([...weights.values()]).size).toBeGreaterThan(3);
    },
    60_000,
  );
});
