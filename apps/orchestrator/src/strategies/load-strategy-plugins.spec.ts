import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SilentLogger, ValidationError } from '@switchyard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load-config.js';
import { buildOrchestrator } from '../container/build-orchestrator.js';
import { startDemoFleet, stopDemoFleet } from '../demo/demo-fleet.js';
import { loadStrategyPlugins } from './load-strategy-plugins.js';

// Inside the workspace, so the plugins resolve @switchyard/core and zod like an installed plugin would.
const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'e2e', 'generated', 'plugins');

beforeAll(async () => {
  await mkdir(pluginDir, { recursive: true });
  await writeFile(
    join(pluginDir, 'last-registered.mjs'),
    `import { defineStrategy } from '@switchyard/core';
import { z } from 'zod';
export default defineStrategy({
  name: 'last-registered',
  optionsSchema: z.strictObject({ skip: z.number().int().nonnegative().default(0) }),
  create: ({ skip }) => ({ select: (candidates) => [...candidates].sort((a, b) => b.sequence - a.sequence)[skip] }),
});
`,
  );
  await writeFile(join(pluginDir, 'not-a-strategy.mjs'), 'export default { hello: "world" };\n');
  await writeFile(
    join(pluginDir, 'old-api.mjs'),
    `export default { kind: 'switchyard.strategy', apiVersion: 99, name: 'old', description: '', optionsSchema: { safeParse: (value) => ({ success: true, data: value }) }, create: () => ({ select: () => undefined }) };\n`,
  );
});

describe('strategy plugins from config', () => {
  it('lists every loading problem at once, each naming its entry', async () => {
    const failure = await loadStrategyPlugins(
      [
        { package: '@acme/strategy-nope' },
        { package: './missing.mjs' },
        { package: './not-a-strategy.mjs' },
        { package: './old-api.mjs' },
        { package: './last-registered.mjs', options: { skip: -1 } },
        { package: './last-registered.mjs', name: 'round_robin' },
      ],
      pluginDir,
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    const issues = (failure as ValidationError).issues.map((issue) => `${issue.field}: ${issue.message}`);
    expect(issues).toEqual([
      `strategies.0.package: cannot find the package '@acme/strategy-nope': install it beside the config file (npm install @acme/strategy-nope in ${pluginDir}), or give a path`,
      `strategies.1.package: no file at ${join(pluginDir, 'missing.mjs')}`,
      "strategies.2.package: './not-a-strategy.mjs' must export default defineStrategy({ name, optionsSchema, create }) from @switchyard/core",
      expect.stringMatching(
        /^strategies\.3\.apiVersion: \.\/old-api\.mjs: strategy API version 99 is not supported \(this Switchyard speaks 1 and 2, newest 2\)/,
      ) as unknown as string,
      expect.stringMatching(/^strategies\.4\.options\.skip: \.\/last-registered\.mjs: /) as unknown as string,
      "strategies.5.name: ./last-registered.mjs: a strategy named 'round_robin' is already registered",
    ]);
  });

  it('registers a plugin from a path, and it makes the decisions', async () => {
    const { config } = await resolveConfig({
      strategies: [{ package: './last-registered.mjs' }],
      distribution: { defaultStrategy: 'last-registered' },
      demo: {
        agents: [
          { id: 'early', capabilities: ['w'], latencyMs: 0 },
          { id: 'late', capabilities: ['w'], latencyMs: 0 },
        ],
      },
    });
    const orchestrator = await buildOrchestrator(config, new SilentLogger(), pluginDir);
    await orchestrator.engine.start();
    const fleet = await startDemoFleet(
      config.demo.agents,
      () => orchestrator.connectAgentTransport(),
      new SilentLogger(),
    );
    const assignment = await orchestrator.engine.distributeTask({
      authToken: orchestrator.internalToken,
      taskId: 'p1',
      taskType: 't',
      requiredCapabilities: ['w'],
      taskData: null,
      senderId: 's',
    });
    expect(assignment).toMatchObject({ agentId: 'late', strategy: 'last-registered' });
    await stopDemoFleet(fleet);
    await orchestrator.engine.stop();
  });
});
