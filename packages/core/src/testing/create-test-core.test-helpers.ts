import 'reflect-metadata';
import { Container } from 'inversify';
import { hashToken } from '../auth/hash-token.js';
import type { Permission } from '../auth/permission.js';
import type { CoreModuleParts } from '../di/create-core-module.js';
import { createCoreModule } from '../di/create-core-module.js';
import { TOKENS } from '../di/tokens.js';
import { TaskDistributor } from '../distribution/task-distributor.js';
import type { CoreOptionsInput } from '../engine/core-options.js';
import { OrchestrationEngine } from '../engine/orchestration-engine.js';
import { RecordingTransport } from './recording-transport.test-helpers.js';

export const ADMIN_TOKEN = 'admin-token';

export interface TestCore {
  readonly container: Container;
  readonly transport: RecordingTransport;
  readonly distributor: TaskDistributor;
  readonly engine: OrchestrationEngine;
}

/** A core container wired like the app does it, with a recording transport and an admin token. */
export async function createTestCore(
  options: CoreOptionsInput = {},
  parts: CoreModuleParts = {},
  extraTokens: { token: string; permissions: Permission[]; agentId?: string }[] = [],
): Promise<TestCore> {
  const tokens = await Promise.all(
    [{ token: ADMIN_TOKEN, permissions: ['admin'] as Permission[] }, ...extraTokens].map(async (entry, index) => ({
      name: `token-${String(index)}`,
      sha256: await hashToken(entry.token),
      permissions: entry.permissions,
      ...('agentId' in entry && entry.agentId !== undefined ? { agentId: entry.agentId } : {}),
    })),
  );
  const container = new Container();
  const transport = new RecordingTransport();
  container.load(createCoreModule({ ...options, auth: { tokens } }, parts));
  container.bind(TOKENS.Transport).toConstantValue(transport);
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  return { container, transport, distributor: container.get(TaskDistributor), engine };
}

/** Resolves once the task exists and has been handed to an agent (executeTask and runTask get there asynchronously). */
export async function assignmentOf(core: TestCore, taskId: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (core.distributor.listTasks({ limit: 10_000 }).find((task) => task.id === taskId)?.status !== 'assigned') {
    if (Date.now() > deadline) throw new Error(`task ${taskId} was never assigned`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
