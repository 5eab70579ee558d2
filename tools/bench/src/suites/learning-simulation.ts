import type { AgentView, DistributionStrategy, StrategyChoice, Task } from '@switchyard/core';
import { isDecline } from '@switchyard/core';
import type { StrategyHost } from '@switchyard/core/internal';
import type { AgentRecord } from '@switchyard/core/internal';
import { AgentRegistry, TaskRecord } from '@switchyard/core/internal';
import { seededRandom } from '../seeded-random.js';
import { LearningFleet, TASK_KINDS } from './learning-fleet.js';

const REQUIRED = ['work'];
/** Share of large tasks in the workload. */
const LARGE_SHARE = 0.3;
/** Post-drift regret is judged in blocks of this many tasks (all kinds). */
export const RECONVERGENCE_BLOCK = 250;

export interface LearningSettings {
  readonly agents: number;
  readonly capacity: number;
  /** Clients, each sending its next task when its previous one is answered. */
  readonly inFlight: number;
  readonly tasks: number;
  readonly seed: number;
}

export interface LearningOutcome {
  /** Successful tasks per second of simulated time. */
  readonly goodput: number;
  /** Mean time from assignment to answer, every answered task. */
  readonly meanLatencyMs: number;
  /** Mean over decisions of (best free agent's expected rate − chosen agent's) / best's: 0 is the oracle. */
  readonly regret: number;
  /**
   * Tasks after the drift until a block of RECONVERGENCE_BLOCK tasks whose regret on the
   * degraded agent's specialty is back within 1.25 × (+ 0.01) of its level before the drift;
   * undefined if that never happens.
   */
  readonly reconvergenceTasks: number | undefined;
  readonly simulatedSeconds: number;
}

interface Running {
  readonly agent: AgentRecord;
  readonly task: TaskRecord;
  readonly assignedAt: number;
  readonly finishAt: number;
  readonly succeeded: boolean;
}

/** The strategy that knows the truth: the free agent with the highest expected successes per millisecond. */
function oracleStrategy(
  fleet: LearningFleet,
  agentIndex: ReadonlyMap<string, number>,
  shapeOf: (task: Task) => { kind: number; large: boolean },
): DistributionStrategy {
  return {
    select(candidates, task) {
      const { kind, large } = shapeOf(task);
      let best: AgentView | undefined;
      let bestRate = -1;
      for (const agent of candidates) {
        const rate = fleet.expectedRate(agentIndex.get(agent.id) ?? 0, kind, large, agent.load);
        if (rate > bestRate) {
          bestRate = rate;
          best = agent;
        }
      }
      return best;
    },
  };
}

/**
 * A closed-loop run of the real distribution path's decision half: agents in a real
 * AgentRegistry, each decision a real strategy's `select` on the real candidate pool, load
 * counted up on assignment and down on answer, and the strategy's onAssigned / onCompleted /
 * onFailed hooks called with the latency the agent took. Time is simulated (an event queue), so
 * the run takes milliseconds of CPU per simulated minute and is the same on every machine.
 * Halfway through, the fleet's best summariser degrades.
 */
export function runLearningSimulation(
  settings: LearningSettings,
  strategyFor: ((host: StrategyHost) => DistributionStrategy<StrategyChoice>) | 'oracle',
): LearningOutcome {
  const clock = { now: 0 };
  const fleet = new LearningFleet(settings.agents, settings.seed);
  const registry = new AgentRegistry({ maxCandidatePools: 16 });
  const agentIndex = new Map<string, number>();
  for (let agent = 0; agent < settings.agents; agent++) {
    const agentId = `agent-${String(agent)}`;
    registry.register({ agentId, capabilities: REQUIRED, priority: 0, capacity: settings.capacity }, 0);
    agentIndex.set(agentId, agent);
  }
  const shapes = new WeakMap<Task, { kind: number; large: boolean }>();
  const shapeOf = (task: Task): { kind: number; large: boolean } => shapes.get(task) ?? { kind: 0, large: false };
  const strategy =
    strategyFor === 'oracle'
      ? oracleStrategy(fleet, agentIndex, shapeOf)
      : strategyFor({ now: () => clock.now, random: seededRandom(settings.seed + 1) });
  // The workload and the agents' luck come from their own sequences, the same for every strategy.
  const workload = seededRandom(settings.seed + 2);
  const luck = seededRandom(settings.seed + 3);
  const running: Running[] = [];
  let submitted = 0;
  let successes = 0;
  let answered = 0;
  let latencySum = 0;
  let regretSum = 0;
  const driftAt = Math.floor(settings.tasks / 2);
  // Regret on the degraded agent's specialty: before the drift (last quarter of the run's first half) and in blocks after it.
  let referenceRegret = 0;
  let referenceDecisions = 0;
  let blockRegret = 0;
  let blockDecisions = 0;
  let reconvergenceTasks: number | undefined;

  const submit = (): void => {
    if (submitted === driftAt) fleet.degrade();
    const kind = Math.floor(workload() * TASK_KINDS.length);
    const large = workload() < LARGE_SHARE;
    const task = new TaskRecord(
      `task-${String(submitted)}`,
      'job',
      REQUIRED,
      { kind: TASK_KINDS[kind] ?? 'summarise', cost: large ? 8 : 1 },
      'bench',
      'normal',
      null,
      clock.now,
    );
    shapes.set(task, { kind, large });
    submitted++;
    const pool = registry.candidates(REQUIRED);
    let bestRate = 0;
    for (const candidate of pool)
      bestRate = Math.max(bestRate, fleet.expectedRate(agentIndex.get(candidate.id) ?? 0, kind, large, candidate.load));
    const chosen = strategy.select(pool, task);
    const agent = chosen === undefined || isDecline(chosen) ? undefined : pool.availableRecord(chosen);
    if (agent === undefined)
      throw new Error(`the strategy declined task ${task.id} with ${String(pool.size)} free agents`);
    const index = agentIndex.get(agent.id) ?? 0;
    const regret = bestRate > 0 ? (bestRate - fleet.expectedRate(index, kind, large, agent.load)) / bestRate : 0;
    regretSum += regret;
    if (kind === 0 && !large) {
      if (submitted <= driftAt && submitted > driftAt / 2) {
        referenceRegret += regret;
        referenceDecisions++;
      } else if (submitted > driftAt) {
        blockRegret += regret;
        blockDecisions++;
      }
    }
    if (submitted > driftAt && (submitted - driftAt) % RECONVERGENCE_BLOCK === 0) {
      const reference = referenceDecisions === 0 ? 0 : referenceRegret / referenceDecisions;
      if (
        reconvergenceTasks === undefined &&
        blockDecisions > 0 &&
        blockRegret / blockDecisions <= reference * 1.25 + 0.01
      )
        reconvergenceTasks = submitted - driftAt;
      blockRegret = 0;
      blockDecisions = 0;
    }
    // A log-normal spread around the mean latency (σ = 0.25, mean-preserving).
    const spread = Math.exp(0.25 * Math.sqrt(-2 * Math.log(1 - luck())) * Math.cos(2 * Math.PI * luck()) - 0.03125);
    const latency = fleet.latencyMs(index, kind, large, agent.load) * spread;
    const succeeded = luck() < fleet.successChance(index, kind, large);
    registry.setLoad(agent, agent.load + 1);
    strategy.onAssigned?.(agent, task);
    running.push({ agent, task, assignedAt: clock.now, finishAt: clock.now + latency, succeeded });
  };

  for (let client = 0; client < settings.inFlight && submitted < settings.tasks; client++) submit();
  while (running.length > 0) {
    let next = 0;
    for (let index = 1; index < running.length; index++)
      if ((running[index]?.finishAt ?? Infinity) < (running[next]?.finishAt ?? Infinity)) next = index;
    const finished = running[next];
    if (finished === undefined) break;
    running[next] = running[running.length - 1] ?? finished;
    running.pop();
    clock.now = finished.finishAt;
    registry.setLoad(finished.agent, finished.agent.load - 1);
    const latencyMs = finished.finishAt - finished.assignedAt;
    answered++;
    latencySum += latencyMs;
    if (finished.succeeded) {
      successes++;
      strategy.onCompleted?.({ agent: finished.agent, task: finished.task, latencyMs });
    } else {
      strategy.onFailed?.({
        agent: finished.agent,
        task: finished.task,
        latencyMs,
        error: { message: 'simulated failure' },
      });
    }
    if (submitted < settings.tasks) submit();
  }
  const simulatedSeconds = clock.now / 1000;
  return {
    goodput: successes / simulatedSeconds,
    meanLatencyMs: latencySum / answered,
    regret: regretSum / settings.tasks,
    reconvergenceTasks,
    simulatedSeconds,
  };
}
