import type { MessagePriority } from '@switchyard/core';
import type { SeededRandom } from './seeded-random.js';

export interface PlannedTask {
  readonly id: string;
  readonly priority: MessagePriority;
}

/**
 * What the run does to the fleet, and when: `atTask` is how many tasks have been submitted when
 * it is due, so the faults land while work flows whatever the machine's speed. `downMs` is how
 * long the victim stays down before it is started again.
 */
export type ChaosEvent =
  | { readonly kind: 'kill_agent'; readonly atTask: number; readonly agent: number; readonly downMs: number }
  | { readonly kind: 'restart_orchestrator'; readonly atTask: number; readonly orchestrator: number; readonly downMs: number }
  | { readonly kind: 'restart_nats'; readonly atTask: number; readonly downMs: number };

export interface ChaosPlan {
  readonly tasks: readonly PlannedTask[];
  readonly events: readonly ChaosEvent[];
}

export interface PlanSettings {
  readonly tasks: number;
  readonly agents: number;
  readonly orchestrators: number;
  readonly agentKills: number;
}

/** Share of tasks per priority: most routine, a few urgent. */
const PRIORITY_WEIGHTS: readonly (readonly [MessagePriority, number])[] = [
  ['low', 0.3],
  ['normal', 0.4],
  ['high', 0.2],
  ['critical', 0.1],
];

function pickPriority(random: SeededRandom): MessagePriority {
  let roll = random.next();
  for (const [priority, weight] of PRIORITY_WEIGHTS) {
    if (roll < weight) return priority;
    roll -= weight;
  }
  return 'normal';
}

/** A position in [from, to) of the task sequence, as a task count. */
function at(random: SeededRandom, tasks: number, from: number, to: number): number {
  return Math.floor(tasks * (from + random.next() * (to - from)));
}

/**
 * The whole run, decided up front from the seed: the tasks with their priorities, one
 * orchestrator restart about a third in, one nats-server restart past the middle, and agent kills
 * spread over 5–90 % of the tasks (one per evenly sized slice, at a random point of it).
 */
export function planChaos(settings: PlanSettings, random: SeededRandom): ChaosPlan {
  const width = String(settings.tasks).length;
  const tasks = Array.from({ length: settings.tasks }, (_, index) => ({ id: `task-${String(index + 1).padStart(width, '0')}`, priority: pickPriority(random) }));
  const events: ChaosEvent[] = [
    { kind: 'restart_orchestrator', atTask: at(random, settings.tasks, 0.3, 0.36), orchestrator: random.integer(0, settings.orchestrators - 1), downMs: random.integer(500, 1_500) },
    { kind: 'restart_nats', atTask: at(random, settings.tasks, 0.58, 0.64), downMs: random.integer(300, 1_000) },
  ];
  const slice = 0.85 / settings.agentKills;
  for (let kill = 0; kill < settings.agentKills; kill++) {
    const from = 0.05 + kill * slice;
    events.push({ kind: 'kill_agent', atTask: at(random, settings.tasks, from, from + slice), agent: random.integer(0, settings.agents - 1), downMs: random.integer(300, 1_500) });
  }
  return { tasks, events: events.sort((a, b) => a.atTask - b.atTask) };
}
