import { seededRandom } from '../seeded-random.js';

export const TASK_KINDS = ['summarise', 'translate', 'code'] as const;
/** Large tasks take this many times longer. */
const LARGE_TASK_SLOWDOWN = 4;
/** Each task an agent already runs makes a new one this much slower (shared GPU, rate limits). */
export const SLOWDOWN_PER_RUNNING_TASK = 0.1;

/**
 * Simulated agents whose true success chance and latency depend on the kind and size of the
 * task: each agent is a specialist of one kind (reliable and fast at it), middling at the
 * others, and every fourth agent is a small model that fails half of its large tasks. `degrade()`
 * turns the best summariser into a bad agent, as a model update gone wrong would.
 */
export class LearningFleet {
  readonly degradedAgent: number;
  private readonly success: Float64Array;
  private readonly latency: Float64Array;
  private degraded = false;

  constructor(
    readonly size: number,
    seed: number,
  ) {
    const random = seededRandom(seed);
    const between = (low: number, high: number): number => low + (high - low) * random();
    this.success = new Float64Array(size * TASK_KINDS.length * 2);
    this.latency = new Float64Array(size * TASK_KINDS.length * 2);
    for (let agent = 0; agent < size; agent++) {
      const smallModel = agent % 4 === 3;
      for (let kind = 0; kind < TASK_KINDS.length; kind++) {
        const specialist = agent % TASK_KINDS.length === kind;
        const success = specialist ? between(0.9, 0.99) : between(0.5, 0.85);
        const latency = specialist ? between(40, 90) : between(120, 300);
        this.success[this.slot(agent, kind, false)] = success;
        this.latency[this.slot(agent, kind, false)] = latency;
        this.success[this.slot(agent, kind, true)] = smallModel ? success * 0.5 : success;
        this.latency[this.slot(agent, kind, true)] = latency * LARGE_TASK_SLOWDOWN;
      }
    }
    let best = 0;
    for (let agent = 1; agent < size; agent++)
      if (this.expectedRate(agent, 0, false, 0) > this.expectedRate(best, 0, false, 0)) best = agent;
    this.degradedAgent = best;
  }

  /** From now on the degraded agent succeeds a quarter of the time and takes three times as long. */
  degrade(): void {
    this.degraded = true;
  }

  successChance(agent: number, kind: number, large: boolean): number {
    return this.degraded && agent === this.degradedAgent ? 0.25 : (this.success[this.slot(agent, kind, large)] ?? 0);
  }

  /** Mean latency of a task started while the agent runs `running` others. */
  latencyMs(agent: number, kind: number, large: boolean, running: number): number {
    const base =
      (this.latency[this.slot(agent, kind, large)] ?? 0) * (this.degraded && agent === this.degradedAgent ? 3 : 1);
    return base * (1 + SLOWDOWN_PER_RUNNING_TASK * running);
  }

  /** Expected successes per millisecond of the agent's time: what the oracle maximises. */
  expectedRate(agent: number, kind: number, large: boolean, running: number): number {
    return this.successChance(agent, kind, large) / this.latencyMs(agent, kind, large, running);
  }

  private slot(agent: number, kind: number, large: boolean): number {
    return (agent * TASK_KINDS.length + kind) * 2 + (large ? 1 : 0);
  }
}
