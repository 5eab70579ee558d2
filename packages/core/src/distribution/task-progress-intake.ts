import { AuthorizationError } from '../errors/authorization-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { SwitchyardError } from '../errors/switchyard-error.js';
import { TaskStateError } from '../errors/task-state-error.js';
import type { TaskProgressPayload } from '../models/envelope.js';
import type { TaskProgressEvent } from '../models/task-progress.js';
import type { Clock } from '../ports/clock.js';
import type { TaskRecord } from './task-record.js';

/** Why a progress report was dropped (counted per code, like refused envelopes). */
export type ProgressDropCode =
  'TASK_NOT_FOUND' | 'TASK_ALREADY_FINISHED' | 'TASK_NOT_ASSIGNED' | 'NOT_ASSIGNED_AGENT' | 'STALE_ATTEMPT';

/**
 * Durable mode writes a task's last progress to the journal at most this often per task: a
 * report arriving sooner is written by a timer when the interval is up (or by the task's next
 * write, whichever comes first), so the journal is at most this far behind the latest report.
 */
export const PROGRESS_JOURNAL_INTERVAL_MS = 1_000;

/** Null when the report comes from the holder of the task's current attempt, else why it is dropped. */
export function progressDropCode(task: TaskRecord, report: TaskProgressPayload): ProgressDropCode | null {
  if (task.isFinished) return 'TASK_ALREADY_FINISHED';
  if (task.status !== 'assigned') return 'TASK_NOT_ASSIGNED';
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
  const journal = (task.progressJournal ??= { writtenAt: 0, timer: undefined });
  if (journal.timer !== undefined) return;
  const now = clock.now();
  const waitMs = journal.writtenAt + PROGRESS_JOURNAL_INTERVAL_MS - now;
  if (waitMs <= 0) {
    journal.writtenAt = now;
    persist(task);
    return;
  }
  journal.timer = setTimeout(() => {
    journal.timer = undefined;
    // A task that finished (or left) meanwhile was written with its progress by then.
    if (!isHeld(task)) return;
    journal.writtenAt = clock.now();
    persist(task);
  }, waitMs);
  (journal.timer as { unref?: () => void }).unref?.();
}

/** The typed error a caller of the API (not the transport, where reports are only dropped) gets for a dropped report. */
export function progressDropError(code: ProgressDropCode, taskId: string, agentId: string): SwitchyardError {
  const details = { taskId, agentId };
  switch (code) {
    case 'TASK_NOT_FOUND':
      return NotFoundError.task(taskId);
    case 'NOT_ASSIGNED_AGENT':
      return new AuthorizationError(
        'NOT_ASSIGNED_AGENT',
        `Task '${taskId}' is not assigned to agent '${agentId}'`,
        details,
      );
    case 'STALE_ATTEMPT':
      return new TaskStateError(
        'STALE_ATTEMPT',
        `Progress for task '${taskId}' is not for its current attempt (attempt or fence)`,
        details,
      );
    case 'TASK_ALREADY_FINISHED':
      return new TaskStateError('TASK_ALREADY_FINISHED', `Task '${taskId}' already finished`, details);
    case 'TASK_NOT_ASSIGNED':
      return new TaskStateError('TASK_NOT_ASSIGNED', `Task '${taskId}' is not assigned to any agent`, details);
  }
}
