import type { TaskTrack } from './task-ledger.js';

/**
 * Why a task counts as duplicated (undefined when it does not): its final state was written more
 * than once, it changed after it was final, or its own history shows it completed twice or was
 * handed over again after an attempt completed. The last two catch a second completion even when
 * the revision carrying the first was replaced before anyone could read it.
 */
export function duplicateEvidence(track: TaskTrack): string | undefined {
  if (track.finalRevisions > 1) return `final state written ${String(track.finalRevisions)} times`;
  if (track.revisionsAfterFinal > 0) return `changed ${String(track.revisionsAfterFinal)} time(s) after it was final`;
  const history = track.latest?.history ?? [];
  const completed = history.filter((attempt) => attempt.outcome === 'completed');
  if (completed.length > 1) return `attempts ${completed.map((attempt) => String(attempt.attempt)).join(', ')} all completed`;
  const first = completed[0];
  const later = first === undefined ? undefined : history.find((attempt) => attempt.attempt > first.attempt);
  if (first !== undefined && later !== undefined) return `attempt ${String(later.attempt)} was handed over after attempt ${String(first.attempt)} completed`;
  return undefined;
}
