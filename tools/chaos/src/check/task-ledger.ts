import { FINISHED_TASK_STATUSES } from '@switchyard/core';
import type { TaskSnapshot } from './task-snapshot.js';

/** Everything seen of one task in the KV bucket, revision by revision. */
export interface TaskTrack {
  readonly id: string;
  /** Revisions seen (puts and deletes). */
  revisions: number;
  /** The KV revision (stream sequence) of the newest one seen. */
  lastRevision: number;
  /** The newest value; undefined after a delete. */
  latest: TaskSnapshot | undefined;
  /** Revisions written with a final status (completed, failed, dead_lettered). */
  finalRevisions: number;
  /** Revisions (of any kind) written after the first final one. */
  revisionsAfterFinal: number;
  /** The status of the first final revision seen. */
  firstFinalStatus: string | undefined;
  /** Revisions after the first final one that put another status or deleted the task: a final state overwritten. */
  finalRewrites: number;
  /** Revisions written with status completed. */
  completedRevisions: number;
  /** Attempt numbers any revision's history shows completed (catches a completion whose revision was replaced before it was read). */
  readonly completedAttempts: Set<number>;
  /** When the journal got it (the KV write time of the first revision seen showing it): per attempt, handed over. */
  readonly attemptWrittenAt: Map<number, number>;
  /** Per attempt, ended (its finishedAt set). */
  readonly attemptEndedWrittenAt: Map<number, number>;
  /** The first final state. */
  finalWrittenAt: number | undefined;
}

export type TaskChange =
  { readonly kind: 'put'; readonly task: TaskSnapshot } | { readonly kind: 'delete'; readonly taskId: string };

export function isFinal(task: TaskSnapshot | undefined): boolean {
  return task !== undefined && FINISHED_TASK_STATUSES.has(task.status);
}

/**
 * The truth about every task, folded from the KV bucket's revisions in order. Whatever reads the
 * bucket (a live watch, a last full read) feeds it; revisions it already has are ignored, so
 * feeding the same one twice is harmless.
 */
export class TaskLedger {
  private readonly tracks = new Map<string, TaskTrack>();
  private readonly finalListeners = new Set<(taskId: string) => void>();
  /** Tasks whose newest revision says assigned, per agent. */
  private readonly assigned = new Map<string, number>();
  private finished = 0;

  /**
   * Folds in one revision; false when this task already had it (or a newer one). `writtenAt` is
   * when the revision was written (the KV entry's time): the journal's own clock for when a state
   * became durable, which the task's timestamps (when the event happened) cannot show.
   */
  observe(revision: number, change: TaskChange, writtenAt?: number): boolean {
    const id = change.kind === 'put' ? change.task.id : change.taskId;
    let track = this.tracks.get(id);
    if (track === undefined) {
      track = {
        id,
        revisions: 0,
        lastRevision: 0,
        latest: undefined,
        finalRevisions: 0,
        revisionsAfterFinal: 0,
        firstFinalStatus: undefined,
        finalRewrites: 0,
        completedRevisions: 0,
        completedAttempts: new Set(),
        attemptWrittenAt: new Map(),
        attemptEndedWrittenAt: new Map(),
        finalWrittenAt: undefined,
      };
      this.tracks.set(id, track);
    }
    if (revision <= track.lastRevision) return false;
    const wasFinal = track.finalRevisions > 0;
    const wasFinalNow = isFinal(track.latest);
    track.revisions++;
    track.lastRevision = revision;
    this.countAssigned(track.latest, -1);
    track.latest = change.kind === 'put' ? change.task : undefined;
    this.countAssigned(track.latest, 1);
    if (wasFinal) track.revisionsAfterFinal++;
    if (wasFinal && track.latest?.status !== track.firstFinalStatus) track.finalRewrites++;
    if (isFinal(track.latest)) {
      track.finalRevisions++;
      track.firstFinalStatus ??= track.latest?.status;
    }
    if (track.latest?.status === 'completed') track.completedRevisions++;
    for (const attempt of track.latest?.history ?? [])
      if (attempt.outcome === 'completed') track.completedAttempts.add(attempt.attempt);
    if (writtenAt !== undefined) {
      for (const attempt of track.latest?.history ?? []) {
        if (!track.attemptWrittenAt.has(attempt.attempt)) track.attemptWrittenAt.set(attempt.attempt, writtenAt);
        if (attempt.finishedAt !== null && !track.attemptEndedWrittenAt.has(attempt.attempt))
          track.attemptEndedWrittenAt.set(attempt.attempt, writtenAt);
      }
      if (isFinal(track.latest)) track.finalWrittenAt ??= writtenAt;
    }
    if (!wasFinalNow && isFinal(track.latest)) {
      this.finished++;
      for (const listener of this.finalListeners) listener(id);
    } else if (wasFinalNow && !isFinal(track.latest)) {
      this.finished--;
    }
    return true;
  }

  /** Called whenever a task becomes final (again, if it left its final state in between). */
  onFinal(listener: (taskId: string) => void): () => void {
    this.finalListeners.add(listener);
    return () => this.finalListeners.delete(listener);
  }

  /** Tasks whose newest revision is final. */
  get finishedCount(): number {
    return this.finished;
  }

  /** Tasks the bucket shows assigned now, to any agent. */
  get assignedCount(): number {
    let total = 0;
    for (const count of this.assigned.values()) total += count;
    return total;
  }

  /** Tasks the bucket shows assigned to the agent now. */
  assignedTo(agentId: string): number {
    return this.assigned.get(agentId) ?? 0;
  }

  get(taskId: string): TaskTrack | undefined {
    return this.tracks.get(taskId);
  }

  all(): IterableIterator<TaskTrack> {
    return this.tracks.values();
  }

  private countAssigned(task: TaskSnapshot | undefined, delta: number): void {
    if (task?.status !== 'assigned' || task.assignedAgentId === null) return;
    this.assigned.set(task.assignedAgentId, (this.assigned.get(task.assignedAgentId) ?? 0) + delta);
  }
}
