import type { OrchestrationEngine } from '@switchyard/core';
import { BENCH_PAYLOAD } from '../bench-payload.js';

export const BENCH_TOKEN = 'bench';

/**
 * One Switchyard request as a client makes it: runTask (token auth, validation, strategy,
 * hand-over to the agent) resolving with the agent's answer, like Moleculer's `broker.call`.
 */
export function switchyardCaller(engine: OrchestrationEngine): () => Promise<unknown> {
  let sequence = 0;
  return () => {
    sequence++;
    return engine.runTask({ authToken: BENCH_TOKEN, taskId: `t${sequence.toString(36)}`, taskType: 'echo', requiredCapabilities: ['echo'], taskData: BENCH_PAYLOAD, senderId: 'bench' });
  };
}
