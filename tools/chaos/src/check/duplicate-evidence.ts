import type { TaskTrack } from './task-ledger.js';

/**
 * How many times the journal shows the task completed: revisions written as completed, or
 * distinct attempts any revision's history shows completed, whichever is more (the history
 * catches a completion whose revision was replaced before the watch could read it).
 */
export function journalCompletions(track: TaskTrack): number {
  return Math.max(track.completedRevisions, track.completedAttempts.size);
}

/** Why a task counts as duplicated — completed more than once in the journal — or undefined. */
export function duplicateEvidence(track: TaskTrack): string | undefined {
  const completions = journalCompletions(track);
  if (completions <= 1) return undefined;
  const attempts = [...track.completedAttempts].sort((a, b) => a - b);
  return `completed ${String(completions)} times in the journal (${String(track.completedRevisions)} completed revision(s), attempts ${attempts.length === 0 ? 'none' : attempts.join(', ')} completed)`;
}

/**
 * Why a task counts as having its final state rewritten — a revision after the first final one
 * put another status or deleted it, or its own history shows a hand-over after an attempt that
 * completed — or undefined.
 */
export function finalRewriteEvidence(track: TaskTrack): string | undefined {
  if (track.finalRewrites > 0)
    return `final state ${track.firstFinalStatus ?? ''} overwritten ${String(track.finalRewrites)} time(s)`;
  const history = track.latest?.history ?? [];
  const first = history.find((attempt) => attempt.outcome === 'completed');
  const later = first === undefined ? undefined : history.find((attempt) => attempt.attempt > first.attempt);
  if (first !== undefined && later !== undefined)
    return `attempt ${String(later.attempt)} was handed over after attempt ${String(first.attempt)} completed`;
  return undefined;
}
