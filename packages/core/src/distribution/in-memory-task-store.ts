import type { TaskStatus } from '../models/task.js';
import type { TaskStore } from '../ports/task-store.js';
import type { TaskRecord } from './task-record.js';

/**
 * Tasks in a Map. Unfinished tasks are always kept; finished ones are kept up to `retainFinished`
 * (oldest finished dropped first), so a long-running orchestrator does not grow without bound.
 */
export class InMemoryTaskStore implements TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();
  /** Finished task ids in the order they finished (a Set keeps insertion order and O(1) delete). */
  private readonly finishedOrder = new Set<string>();

  constructor(private readonly retainFinished: number) {}

  get size(): number {
    return this.tasks.size;
  }

  get(taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskId);
  }

  add(task: TaskRecord): void {
    // A finished task with this id may be replaced by a resubmission.
    this.finishedOrder.delete(task.id);
    this.tasks.set(task.id, task);
  }

  finished(task: TaskRecord): void {
    this.finishedOrder.add(task.id);
    while (this.finishedOrder.size > this.retainFinished) {
      const oldest = this.finishedOrder.values().next().value as string;
      this.finishedOrder.delete(oldest);
      this.tasks.delete(oldest);
    }
  }

  remove(taskId: string): void {
    this.finishedOrder.delete(taskId);
    this.tasks.delete(taskId);
  }

  list(filter: { readonly status?: TaskStatus; readonly limit?: number; readonly order?: 'oldest' | 'newest' } = {}): TaskRecord[] {
    const limit = filter.limit ?? Infinity;
    const found: TaskRecord[] = [];
    // A Map iterates in insertion order only; newest first needs the reversed copy.
    const tasks = filter.order === 'newest' ? [...this.tasks.values()].reverse() : this.tasks.values();
    for (const task of tasks) {
      if (found.length >= limit) break;
      if (filter.status === undefined || task.status === filter.status) found.push(task);
    }
    return found;
  }
}
