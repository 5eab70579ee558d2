import type { AgentView } from '@switchyard/core';
import { defineStrategy } from '@switchyard/core';
import { z } from 'zod';

interface Record_ {
  latencyEwmaMs: number;
  samples: number;
  failures: number;
}

/**
 * Prefers the agents that answer fastest and fail least, learned from outcomes (EWMA of latency,
 * success rate with a Laplace prior). Each decision looks at a few random candidates (constant
 * cost), tries any that has too few samples yet, and explores at random now and then so a slow
 * agent that got faster is noticed.
 */
export const latencyAwareStrategy = defineStrategy({
  name: 'latency_aware',
  description:
    'Lowest expected latency (EWMA latency / success rate) among a random sample; new agents tried first; a little exploration.',
  optionsSchema: z.strictObject({
    /** Candidates looked at per decision. */
    sample: z.number().int().positive().max(64).default(8),
    /** Chance of a random pick, so estimates stay fresh. */
    exploration: z.number().min(0).max(1).default(0.05),
    /** Samples an agent needs before its estimate is trusted; before that it is tried first. */
    warmUp: z.number().int().nonnegative().default(3),
    /** Weight of the newest latency in the moving average. */
    ewmaWeight: z.number().gt(0).max(1).default(0.3),
  }),
  create: ({ sample, exploration, warmUp, ewmaWeight }, { random }) => {
    const records = new Map<string, Record_>();
    const expectedLatency = (agent: AgentView): number => {
      const record = records.get(agent.id);
      if (record === undefined) return 0;
      const successRate = (record.samples - record.failures + 1) / (record.samples + 2);
      return record.latencyEwmaMs / successRate;
    };
    const learn = (agent: AgentView, latencyMs: number, failed: boolean): void => {
      const record = records.get(agent.id);
      if (record === undefined) {
        records.set(agent.id, { latencyEwmaMs: latencyMs, samples: 1, failures: failed ? 1 : 0 });
        return;
      }
      record.latencyEwmaMs += ewmaWeight * (latencyMs - record.latencyEwmaMs);
      record.samples++;
      if (failed) record.failures++;
    };
    return {
      select(candidates) {
        const size = candidates.size;
        if (size === 0) return undefined;
        if (random() < exploration) return candidates.at(Math.floor(random() * size));
        let best: AgentView | undefined;
        for (let draw = 0; draw < Math.min(sample, size); draw++) {
          const agent = candidates.at(size <= sample ? draw : Math.floor(random() * size));
          if (agent === undefined) continue;
          if ((records.get(agent.id)?.samples ?? 0) < warmUp) return agent;
          if (best === undefined || expectedLatency(agent) < expectedLatency(best)) best = agent;
        }
        return best;
      },
      onCompleted: ({ agent, latencyMs }) => {
        learn(agent, latencyMs, false);
      },
      onFailed: ({ agent, latencyMs }) => {
        learn(agent, latencyMs, true);
      },
    };
  },
});
