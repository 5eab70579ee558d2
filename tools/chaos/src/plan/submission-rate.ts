import type { ChaosEvent } from './chaos-plan.js';

/** What a fault costs beyond its down time, on a busy machine: starting the process again, and the quiet after it. */
function overheadMs(event: ChaosEvent, ackWaitMs: number): number {
  if (event.kind === 'kill_agent') return 1_000;
  // The driver kills no agent until a dead orchestrator's work items have been handed on.
  if (event.kind === 'restart_orchestrator') return 1_500 + ackWaitMs + 3_000;
  // Waiting for the armed orchestrator to reach its crashing send, then as above.
  if (event.kind === 'crash_before_send') return 3_000 + 1_500 + ackWaitMs + 3_000;
  // A cluster node also waits for a JetStream meta leader before the quiet after it.
  return 1_500 + 2_000;
}

/**
 * Tasks per second to submit so that the faults, carried out one after another from about 5 %
 * of the run, are over by about 80 % of it: every fault then lands on a fleet at work, however
 * few the tasks. (An upper bound: the submission window holds it back when the fleet is slower.)
 */
export function submissionRate(events: readonly ChaosEvent[], tasks: number, ackWaitMs: number): number {
  const faultMs = events.reduce((total, event) => total + event.downMs + overheadMs(event, ackWaitMs), 0);
  return faultMs === 0 ? Number.POSITIVE_INFINITY : tasks / (faultMs / 0.75 / 1_000);
}
