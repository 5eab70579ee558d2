import type { OrchestrationEngine } from '@switchyard/core';
import { BENCH_PAYLOAD } from '../bench-payload.js';

export const BENCH_TOKEN = 'bench';

/**
 * One Switchyard request as a client makes it: runTask (token auth, validation, strategy,
 * hand-over to the agent) resolving with the agent's answer, like Moleculer's `broker.call`.
 * Task ids are shaped like a client's (a random prefix for the run, then a counter) and longer
 * than 10 characters, as UUIDs are: V8's JSON.parse interns shorter strings, so tiny ids would
 * make each answer's parse dearer than a real client's (docs/benchmarks.md).
 */
export function switchyardCaller(engine: OrchestrationEngine): () => Promise<unknown> {
  const runPrefix = globalThis.crypto.randomUUID().slice(0, 8);
  let sequence = 0;
  return () => {
    sequence++;
    const taskId = `${runPrefix}-${sequence.toString(36).padStart(6, '0')}`;
    return engine.runTask({
      authToken: BENCH_TOKEN,
      taskId,
      taskType: 'echo',
      requiredCapabilities: ['echo'],
      taskData: BENCH_PAYLOAD,
      senderId: 'bench',
    });
  };
}
