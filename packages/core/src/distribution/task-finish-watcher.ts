import type { Task } from '../models/task.js';

/**
 * The one caller a task tells when it finishes on this orchestrator (the engine's runTask),
 * carried on the task record itself: no lookup by id and no map entry per task.
 */
export interface TaskFinishWatcher {
  taskFinished(task: Task): void;
}
