import type { OrchestrationEngine, TaskDistributor } from '@switchyard/core';
import { BENCH_PAYLOAD } from '../bench-payload.js';

export const BENCH_TOKEN = 'bench';

/**
 * One Switchyard request as a client sees it: distributeTask (token auth, validation, strategy,
 * hand-over to the agent) and then the task finished in the orchestrator with the agent's answer.
 */
export function switchyardCaller(engine: OrchestrationEngine, distributor: TaskDistributor): () => Promise<void> {
  const waiting = new Map<string, () => void>();
  distributor.onEvent((event) => {
    if (event.type !== 'task_finished') return;
    const resolve = waiting.get(event.task.id);
    if (resolve === undefined) return;
    waiting.delete(event.task.id);
    resolve();
  });
  let sequence = 0;
  return async () => {
    sequence++;
    const taskId = `t${sequence.toString(36)}`;
    const finished = new Promise<void>((resolve) => waiting.set(taskId, resolve));
    await engine.distributeTask({ authToken: BENCH_TOKEN, taskId, taskType: 'echo', requiredCapabilities: ['echo'], taskData: BENCH_PAYLOAD, senderId: 'bench' });
    await finished;
  };
}
