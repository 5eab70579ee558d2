import type { OrchestrationEngine } from '@switchyard/core';
import { SwitchyardError } from '@switchyard/core';
import type { DemoTaskType } from '../config/demo-options.js';

export type DemoTaskOutcome =
  | { readonly ok: true; readonly agentId: string; readonly latencyMs: number; readonly queued: boolean }
  | {
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      readonly latencyMs: number;
      readonly queued: boolean;
    };

/**
 * One task through the public engine API, as a client would send it: create, then execute.
 * When every capable agent is full the task waits in Switchyard's queue; `queued` says it did.
 */
export async function runDemoTask(
  engine: OrchestrationEngine,
  authToken: string,
  taskType: DemoTaskType,
  sequence: number,
  strategy?: string,
): Promise<DemoTaskOutcome> {
  const started = performance.now();
  let taskId: string | undefined;
  const wasQueued = async (): Promise<boolean> => {
    if (taskId === undefined) return false;
    const finished = await engine.getTask({ authToken, taskId }).catch(() => undefined);
    return (finished?.queuedAt ?? null) !== null;
  };
  try {
    const chosenStrategy = strategy ?? taskType.strategy;
    const task = await engine.createTask({
      authToken,
      taskType: taskType.type,
      requiredCapabilities: taskType.requiredCapabilities,
      taskData: { sequence, prompt: `${taskType.type} #${String(sequence)}` },
      senderId: 'switchyard-demo',
      priority: taskType.priority,
      ...(chosenStrategy === undefined ? {} : { strategy: chosenStrategy }),
    });
    taskId = task.id;
    const result = await engine.executeTask({ authToken, taskId: task.id });
    return { ok: true, agentId: result.agentId, latencyMs: performance.now() - started, queued: await wasQueued() };
  } catch (error) {
    const code = error instanceof SwitchyardError ? error.code : 'INTERNAL';
    return {
      ok: false,
      code,
      message: error instanceof Error ? error.message : String(error),
      latencyMs: performance.now() - started,
      queued: await wasQueued(),
    };
  }
}
