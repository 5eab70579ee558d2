import type { MessagePriority } from '@switchyard/core';
import type { SeededRandom } from './seeded-random.js';

/**
 * What a task asks of the fleet. `plain`: the five ordinary agents, 5–30 ms. `narrow`: only the
 * one agent of capacity 1 serves it, and narrow tasks come in pairs (one to each orchestrator),
 * so the two orchestrators overfill that agent. `hang_until_aborted`: only the hang agent serves
 * it, and its handler never returns on the first attempt until that attempt is cancelled (its
 * AbortSignal fires). `hang_forever`: an ordinary agent's handler never returns on the first
 * attempt at all, even when told to stop.
 */
export type PlannedTaskKind = 'plain' | 'narrow' | 'hang_until_aborted' | 'hang_forever';

export interface PlannedTask {
  readonly id: string;
  readonly priority: MessagePriority;
  readonly kind: PlannedTaskKind;
}

/**
 * What the run does to the fleet, and when: `atTask` is how many tasks have been submitted when
 * it is due, so the faults land while work flows whatever the machine's speed. `downMs` is how
 * long the victim stays down before it is started again. Every kill is a SIGKILL.
 */
export type ChaosEvent =
  | { readonly kind: 'kill_agent'; readonly atTask: number; readonly agent: number; readonly downMs: number }
  | {
      readonly kind: 'restart_orchestrator';
      readonly atTask: number;
      readonly orchestrator: number;
      readonly downMs: number;
    }
  /** The orchestrator SIGKILLs itself as it would send its `atSend`-th task_request from then on: after the journal write, before the send. */
  | {
      readonly kind: 'crash_before_send';
      readonly atTask: number;
      readonly orchestrator: number;
      readonly atSend: number;
      readonly downMs: number;
    }
  | { readonly kind: 'kill_nats'; readonly atTask: number; readonly node: number; readonly downMs: number };

export interface ChaosPlan {
  readonly tasks: readonly PlannedTask[];
  readonly events: readonly ChaosEvent[];
}

export interface PlanSettings {
  readonly tasks: number;
  readonly agents: number;
  readonly orchestrators: number;
  readonly agentKills: number;
  /** nats-server nodes (1, or a cluster); one of them is SIGKILLed per nats kill. */
  readonly natsNodes: number;
  readonly natsKills: number;
  readonly crashBeforeSend: boolean;
  /** Share of the tasks that are narrow (rounded down to pairs). */
  readonly narrowShare: number;
  readonly hangUntilAborted: number;
  readonly hangForever: number;
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

/** The task kinds, by position: narrow pairs and hung tasks at random places of the first 80 % (so they have time to finish). */
function planKinds(settings: PlanSettings, random: SeededRandom): PlannedTaskKind[] {
  const kinds: PlannedTaskKind[] = Array.from({ length: settings.tasks }, () => 'plain');
  const span = Math.max(1, Math.floor(settings.tasks * 0.8) - 1);
  const free = (index: number): boolean => kinds[index] === 'plain' && index < settings.tasks;
  const place = (kind: PlannedTaskKind, width: number): void => {
    for (let tries = 0; tries < 1_000; tries++) {
      const index = random.integer(0, span - 1);
      if (Array.from({ length: width }, (_, offset) => index + offset).every(free)) {
        for (let offset = 0; offset < width; offset++) kinds[index + offset] = kind;
        return;
      }
    }
  };
  for (let pair = 0; pair < Math.floor((settings.tasks * settings.narrowShare) / 2); pair++) place('narrow', 2);
  for (let hang = 0; hang < settings.hangUntilAborted; hang++) place('hang_until_aborted', 1);
  for (let hang = 0; hang < settings.hangForever; hang++) place('hang_forever', 1);
  return kinds;
}

/**
 * The whole run, decided up front from the seed: the tasks with their priorities and kinds; one
 * orchestrator SIGKILL about a third in; a crash between journal write and send a little before
 * the middle; nats-server SIGKILLs past the middle (each of a random node of the cluster); and
 * agent kills spread over 5–90 % of the tasks (one per evenly sized slice, at a random point of it).
 */
export function planChaos(settings: PlanSettings, random: SeededRandom): ChaosPlan {
  const width = String(settings.tasks).length;
  const kinds = planKinds(settings, random);
  const tasks = kinds.map((kind, index): PlannedTask => ({
    id: `task-${String(index + 1).padStart(width, '0')}`,
    priority: pickPriority(random),
    kind,
  }));
  const events: ChaosEvent[] = [
    {
      kind: 'restart_orchestrator',
      atTask: at(random, settings.tasks, 0.3, 0.36),
      orchestrator: random.integer(0, settings.orchestrators - 1),
      downMs: random.integer(500, 1_500),
    },
  ];
  if (settings.crashBeforeSend) {
    events.push({
      kind: 'crash_before_send',
      atTask: at(random, settings.tasks, 0.42, 0.48),
      orchestrator: random.integer(0, settings.orchestrators - 1),
      atSend: random.integer(3, 30),
      downMs: random.integer(500, 1_500),
    });
  }
  const natsSlice = 0.2 / Math.max(1, settings.natsKills);
  for (let kill = 0; kill < settings.natsKills; kill++) {
    const from = 0.55 + kill * natsSlice;
    events.push({
      kind: 'kill_nats',
      atTask: at(random, settings.tasks, from, from + natsSlice),
      node: random.integer(0, settings.natsNodes - 1),
      downMs: random.integer(300, 1_000),
    });
  }
  const slice = 0.85 / settings.agentKills;
  for (let kill = 0; kill < settings.agentKills; kill++) {
    const from = 0.05 + kill * slice;
    events.push({
      kind: 'kill_agent',
      atTask: at(random, settings.tasks, from, from + slice),
      agent: random.integer(0, settings.agents - 1),
      downMs: random.integer(300, 1_500),
    });
  }
  return { tasks, events: events.sort((a, b) => a.atTask - b.atTask) };
}
