import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionCounts } from '../check/chaos-report.js';

/** What the handler wrote down about each task: runs started, answered, and ended by cancellation. */
export interface TaskExecutions {
  started: number;
  done: number;
  aborted: number;
}

/**
 * Reads the files the agents' handler wrote (one line per event: "start|done|aborted<TAB>taskId<TAB>attempt"):
 * per task, and in total.
 */
export async function readExecutions(
  dir: string,
): Promise<{ counts: ExecutionCounts; perTask: ReadonlyMap<string, TaskExecutions> }> {
  const perTask = new Map<string, TaskExecutions>();
  for (const file of await readdir(dir)) {
    const text = await readFile(join(dir, file), 'utf8');
    for (const line of text.split('\n')) {
      const [event, taskId] = line.split('\t');
      if (taskId === undefined || taskId === '' || (event !== 'start' && event !== 'done' && event !== 'aborted'))
        continue;
      let runs = perTask.get(taskId);
      if (runs === undefined) {
        runs = { started: 0, done: 0, aborted: 0 };
        perTask.set(taskId, runs);
      }
      if (event === 'start') runs.started++;
      else if (event === 'done') runs.done++;
      else runs.aborted++;
    }
  }
  let total = 0;
  let neverReturned = 0;
  let tasksRunMoreThanOnce = 0;
  let mostRunsOfOneTask = 0;
  for (const runs of perTask.values()) {
    total += runs.started;
    neverReturned += Math.max(0, runs.started - runs.done - runs.aborted);
    if (runs.started > 1) tasksRunMoreThanOnce++;
    mostRunsOfOneTask = Math.max(mostRunsOfOneTask, runs.started);
  }
  return { counts: { total, neverReturned, tasksRunMoreThanOnce, mostRunsOfOneTask }, perTask };
}
