import { SlabMap } from '../collections/slab-map.js';
import type { TaskStatus } from '../models/task.js';
import type { TaskStore } from '../ports/task-store.js';
import type { TaskRecord } from './task-record.js';

/** Evicted slots at the front of the retention queue before it is shifted down (amortised O(1)). */
const COMPACT_AFTER = 1_024;

/**
 * Tasks by id (a SlabMap: one task in, one out, per task). Unfinished tasks are always kept; finished ones are kept up to `retainFinished`
 * (oldest finished dropped first), so a long-running orchestrator does not grow without bound.
 */
export class InMemoryTaskStore implements TaskStore {
  private readonly tasks = new SlabMap<TaskRecord>();
  /**
   * Finished records in the order they finished, read from `head`. An array queue, not a Set of
   * ids: no hashing per task. A record replaced or removed meanwhile stays here, stale, until it
   * reaches the front or a compaction; its `retainedFinished` flag says whether it still counts.
   */
  private finishedOrder: (TaskRecord | undefined)[] = [];
  private head = 0;
  /** Records in finishedOrder that still count (flag set). */
  private retained = 0;

  constructor(private readonly retainFinished: number) {}

  get size(): number {
    return this.tasks.size;
  }

  get(taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskId);
  }

  add(task: TaskRecord): void {
    // A finished task with this id may be replaced by a resubmission.
    const previous = this.tasks.set(task.id, task);
    if (previous !== undefined) this.release(previous);
  }

  /** For a task this store holds (the distributor finishes only those). */
  finished(task: TaskRecord): void {
    if (task.retainedFinished) return;
    task.retainedFinished = true;
    this.retained++;
    this.finishedOrder.push(task);
    while (this.retained > this.retainFinished) {
      const oldest = this.finishedOrder[this.head];
      this.finishedOrder[this.head++] = undefined;
      if (oldest?.retainedFinished !== true) continue;
      oldest.retainedFinished = false;
      this.retained--;
      this.tasks.delete(oldest.id);
    }
    this.compact();
  }

  remove(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (task === undefined) return;
    this.release(task);
    this.tasks.delete(taskId);
  }

  /** `after`: resume past this task id (a page cursor); `agentId`: only tasks assigned to that agent. */
  list(
    filter: {
      readonly status?: TaskStatus;
      readonly limit?: number;
      readonly order?: 'oldest' | 'newest';
      readonly after?: string;
      readonly agentId?: string;
    } = {},
  ): TaskRecord[] {
    const limit = filter.limit ?? Infinity;
    const found: TaskRecord[] = [];
    // A Map iterates in insertion order only; newest first needs the reversed copy.
    const tasks = filter.order === 'newest' ? [...this.tasks.values()].reverse() : this.tasks.values();
    let skipping = filter.after !== undefined;
    for (const task of tasks) {
      if (found.length >= limit) break;
      if (skipping) {
        skipping = task.id !== filter.after;
        continue;
      }
      if (
        (filter.status === undefined || task.status === filter.status) &&
        (filter.agentId === undefined || task.assignedAgentId === filter.agentId)
      )
        found.push(task);
    }
    return found;
  }

  /** The record leaves the store: it no longer counts against retention (its queue slot goes stale). */
  private release(task: TaskRecord): void {
    if (!task.retainedFinished) return;
    task.retainedFinished = false;
    this.retained--;
  }

  /** Drops evicted slots at the front, and stale ones when they outnumber the records that count. */
  private compact(): void {
    const waiting = this.finishedOrder.length - this.head;
    if (waiting - this.retained > this.retained + COMPACT_AFTER) {
      this.finishedOrder = this.finishedOrder.slice(this.head).filter((task) => task?.retainedFinished === true);
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.finishedOrder.length) {
      this.finishedOrder.splice(0, this.head);
      this.head = 0;
    }
  }
}
