import type { TaskProgressPayload } from '../models/envelope.js';
import type { TaskProgressEvent } from '../models/task-progress.js';
import type { Clock } from '../ports/clock.js';
import type { TaskRecord } from './task-record.js';

/** Why a progress report was dropped (counted per code, like refused envelopes). */
export type ProgressDropCode = 'TASK_NOT_FOUND' | 'TASK_NOT_RUNNING' | 'NOT_ASSIGNED_AGENT' | 'STALE_ATTEMPT';

/**
 * Durable mode writes a task's last progress to the journal at most this often per task: a
 * report arriving sooner is written by a timer when the interval is up (or by the task's next
 * write, whichever comes first), so the journal is at most this far behind the latest report.
 */
export const PROGRESS_JOURNAL_INTERVAL_MS = 1_000;

/** Null when the report comes from the holder of the task's current attempt, else why it is dropped. */
export function progressDropCode(task: TaskRecord, report: TaskProgressPayload): ProgressDropCode | null {
  if (task.status !== 'assigned') return 'TASK_NOT_RUNNING';
  if (task.assignedAgentId !== report.agentId) return 'NOT_ASSIGNED_AGENT';
  if (task.attempts !== report.attempt || task.fence !== report.fence) return 'STALE_ATTEMPT';
  return null;
}

/** The report as listeners get it (and the task keeps it): only the fields it carries. */
export function toProgressEvent(report: TaskProgressPayload, at: number): TaskProgressEvent {
  const event: { -readonly [K in keyof TaskProgressEvent]: TaskProgressEvent[K] } = {
    taskId: report.taskId,
    attempt: report.attempt,
    agentId: report.agentId,
    at,
  };
  if (report.message !== undefined) event.message = report.message;
  if (report.fraction !== undefined) event.fraction = report.fraction;
  if (report.partial !== undefined) event.partial = report.partial;
  return event;
}

/**
 * Durable mode: the task's new last progress goes to the journal now if none went in the last
 * interval, else once the interval is up (one timer per task at most). `persist` writes the
 * task's whole state; `isHeld` says whether the task still runs here when the timer fires.
 */
export function journalProgress(
  task: TaskRecord,
  clock: Clock,
  persist: (task: TaskRecord) => void,
  isHeld: (task: TaskRecord) => boolean,
): void {
  if (task.progressJournalTimer !== undefined) return;
  const now = clock.now();
  const waitMs = task.progressJournaledAt + PROGRESS_JOURNAL_INTERVAL_MS - now;
  if (waitMs <= 0) {
    task.progressJournaledAt = now;
    persist(task);
    return;
  }
  task.progressJournalTimer = setTimeout(() => {
    task.progressJournalTimer = undefined;
    // A task that finished (or left) meanwhile was written with its progress by then.
    if (!isHeld(task)) return;
    task.progressJournaledAt = clock.now();
    persist(task);
  }, waitMs);
  (task.progressJournalTimer as { unref?: () => void }).unref?.();
}
