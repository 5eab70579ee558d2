import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionCounts } from '../check/chaos-report.js';

/** Counts the handler's runs from the files the agents wrote (one line, "taskId<TAB>attempt", per run). */
export async function readExecutions(dir: string): Promise<ExecutionCounts> {
  const runs = new Map<string, number>();
  let total = 0;
  for (const file of await readdir(dir)) {
    const text = await readFile(join(dir, file), 'utf8');
    for (const line of text.split('\n')) {
      const taskId = line.split('\t')[0];
      if (taskId === undefined || taskId === '') continue;
      total++;
      runs.set(taskId, (runs.get(taskId) ?? 0) + 1);
    }
  }
  let tasksRunMoreThanOnce = 0;
  let mostRunsOfOneTask = 0;
  for (const count of runs.values()) {
    if (count > 1) tasksRunMoreThanOnce++;
    mostRunsOfOneTask = Math.max(mostRunsOfOneTask, count);
  }
  return { total, tasksRunMoreThanOnce, mostRunsOfOneTask };
}
