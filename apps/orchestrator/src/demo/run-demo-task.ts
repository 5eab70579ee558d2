import type { OrchestrationEngine } from '@switchyard/core';
import { SwitchyardError } from '@switchyard/core';
import type { DemoTaskType } from '../config/demo-options.js';

/** How long a demo client backs off when every capable agent is full, and for how long at most. */
const FULL_BACKOFF_MS = 2;
const FULL_GIVE_UP_MS = 30_000;

export type DemoTaskOutcome =
  | { readonly ok: true; readonly agentId: string; readonly latencyMs: number; readonly waitsForCapacity: number }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly latencyMs: number; readonly waitsForCapacity: number };

/**
 * One task through the public engine API, as a client would send it: create, then execute.
 * When every capable agent is full the task stays pending, so the client backs off briefly and
 * executes it again (until Switchyard queues tasks itself, this is the client's job).
 */
export async function runDemoTask(engine: OrchestrationEngine, authToken: string, taskType: DemoTaskType, sequence: number, strategy?: string): Promise<DemoTaskOutcome> {
  const started = performance.now();
  let waitsForCapacity = 0;
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
    for (;;) {
      try {
        const result = await engine.executeTask({ authToken, taskId: task.id });
        return { ok: true, agentId: result.agentId, latencyMs: performance.now() - started, waitsForCapacity };
      } catch (error) {
        const full = error instanceof SwitchyardError && error.code === 'NO_AVAILABLE_AGENT';
        if (!full || performance.now() - started > FULL_GIVE_UP_MS) throw error;
        waitsForCapacity++;
        await new Promise((resolve) => setTimeout(resolve, FULL_BACKOFF_MS));
      }
    }
  } catch (error) {
    const code = error instanceof SwitchyardError ? error.code : 'INTERNAL';
    return { ok: false, code, message: error instanceof Error ? error.message : String(error), latencyMs: performance.now() - started, waitsForCapacity };
  }
}
