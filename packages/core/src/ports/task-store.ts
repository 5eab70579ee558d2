import type { TaskRecord } from '../distribution/task-record.js';
import type { TaskStatus } from '../models/task.js';

/** Where tasks live. The default keeps them in memory; durable stores come with JetStream. */
export interface TaskStore {
  get(taskId: string): TaskRecord | undefined;
  add(task: TaskRecord): void;
  /** Tells the store a task reached a final state (it may now be evicted under retention). */
  finished(task: TaskRecord): void;
  /** Forgets a task, for a creation that is being undone. */
  remove(taskId: string): void;
  list(filter?: {
    readonly status?: TaskStatus;
    readonly limit?: number;
    readonly order?: 'oldest' | 'newest';
  }): TaskRecord[];
  readonly size: number;
}
