import type { TaskTrack } from './task-ledger.js';
import { isFinal } from './task-ledger.js';
import type { TaskSnapshot } from './task-snapshot.js';

/** Outcomes of an attempt the agent answered (before it died): nothing to recover. */
const ANSWERED: ReadonlySet<string> = new Set(['completed', 'failed']);

/** One SIGKILL of an agent process, and when its replacement process was started (null: never). */
export interface AgentKill {
  readonly agentId: string;
  readonly killedAt: number;
  readonly replacedAt: number | null;
}

export interface KillRecovery extends AgentKill {
  /** Hand-overs to the dead process: unfinished when it died, or made after (before its replacement started) and never answered. */
  readonly inFlight: number;
  /** Until the last of them was handed over again or finished; null when one never was. */
  readonly recoveryMs: number | null;
  /** The task that took longest (or was never recovered). */
  readonly slowestTaskId: string | null;
}

/**
 * How long the fleet took to get over one agent's death, from the tasks' own histories (the
 * orchestrators' clocks, the same machine's as the kill's). In flight were the hand-overs to the
 * dead process: those made before the kill and not finished by then, and those made after it,
 * before its replacement process was started, that were never answered (an answered one cannot
 * have gone to the dead process). Each is recovered when the next attempt of its task was
 * handed over, or when it finished (an answer that was on its way, or a final verdict).
 * Recovery is the longest of these, from the kill.
 */
export function measureRecovery(kill: AgentKill, tasks: Iterable<TaskSnapshot>): KillRecovery {
  const replacedAt = kill.replacedAt ?? Number.POSITIVE_INFINITY;
  let inFlight = 0;
  let worst = 0;
  let slowestTaskId: string | null = null;
  let unrecovered = false;
  for (const task of tasks) {
    for (const attempt of task.history) {
      if (attempt.agentId !== kill.agentId || attempt.assignedAt >= replacedAt) continue;
      if (attempt.finishedAt !== null && attempt.finishedAt <= kill.killedAt) continue;
      if (attempt.assignedAt >= kill.killedAt && ANSWERED.has(attempt.outcome)) continue;
      inFlight++;
      const next = task.history.find((candidate) => candidate.attempt === attempt.attempt + 1);
      const answeredAt = ANSWERED.has(attempt.outcome) ? attempt.finishedAt : null;
      const recoveredAt = next?.assignedAt ?? answeredAt ?? (isFinal(task) ? task.finishedAt : null);
      if (recoveredAt === null) {
        if (!unrecovered) slowestTaskId = task.id;
        unrecovered = true;
        continue;
      }
      const took = Math.max(0, recoveredAt - kill.killedAt);
      if (!unrecovered && (slowestTaskId === null || took > worst)) {
        worst = took;
        slowestTaskId = task.id;
      }
    }
  }
  return { ...kill, inFlight, recoveryMs: unrecovered ? null : worst, slowestTaskId };
}

/** One orchestrator's death: a SIGKILL from the harness, or its own SIGKILL between journal write and send. */
export interface OrchestratorLoss {
  readonly orchestratorId: string;
  readonly how: 'sigkill' | 'crash_before_send';
  /** Just before the SIGKILL, or (for its own) when its exit was seen. */
  readonly killedAt: number;
}

export interface OrchestratorRecovery extends OrchestratorLoss {
  /** Hand-overs (by any orchestrator) made before the death and not finished then. */
  readonly inFlight: number;
  /** Until the last of them was answered, handed over again or its task finished; null when one never was. */
  readonly recoveryMs: number | null;
  readonly slowestTaskId: string | null;
}

/**
 * How long the fleet took to get over one orchestrator's death, from the journal. In flight were
 * every hand-over made before the death and not finished by then (the dead one's and the
 * survivor's alike: the survivor's finish within milliseconds, so the longest is the dead one's).
 * Each is recovered when the journal first shows its attempt ended, the task's next attempt handed
 * over, or the task final — timed by when the KV got that revision, so an answer that came while
 * the owner was dead counts when an orchestrator wrote it down, not when the agent sent it. (The
 * task's own timestamps stand in where no write time was seen.) The attempt claimed in the
 * journal but never sent by an orchestrator that crashed between write and send is one of them.
 */
export function measureOrchestratorRecovery(loss: OrchestratorLoss, tracks: Iterable<TaskTrack>): OrchestratorRecovery {
  let inFlight = 0;
  let worst = 0;
  let slowestTaskId: string | null = null;
  let unrecovered = false;
  for (const track of tracks) {
    const task = track.latest;
    if (task === undefined) continue;
    for (const attempt of task.history) {
      if (attempt.assignedAt >= loss.killedAt) continue;
      if (attempt.finishedAt !== null && attempt.finishedAt <= loss.killedAt) continue;
      inFlight++;
      const next = task.history.find((candidate) => candidate.attempt === attempt.attempt + 1);
      const written = [
        track.attemptEndedWrittenAt.get(attempt.attempt),
        track.attemptWrittenAt.get(attempt.attempt + 1),
        track.finalWrittenAt,
      ].filter((at): at is number => at !== undefined);
      const recoveredAt =
        written.length > 0
          ? Math.min(...written)
          : (next?.assignedAt ?? attempt.finishedAt ?? (isFinal(task) ? task.finishedAt : null));
      if (recoveredAt === null) {
        if (!unrecovered) slowestTaskId = task.id;
        unrecovered = true;
        continue;
      }
      const took = Math.max(0, recoveredAt - loss.killedAt);
      if (!unrecovered && (slowestTaskId === null || took > worst)) {
        worst = took;
        slowestTaskId = task.id;
      }
    }
  }
  return { ...loss, inFlight, recoveryMs: unrecovered ? null : worst, slowestTaskId };
}
