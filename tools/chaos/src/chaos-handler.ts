import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { AgentTask, TaskHandler } from '@switchyard/agent';

// Set by the chaos harness for its agent processes.
const executionsDir = process.env.CHAOS_EXECUTIONS_DIR;

/** One line per event of a run ("start" / "done" / "aborted", task id, attempt), written synchronously so a SIGKILL cannot hide it. */
function record(event: 'start' | 'done' | 'aborted', task: AgentTask, agentId: string): void {
  if (executionsDir !== undefined)
    appendFileSync(join(executionsDir, `${agentId}.log`), `${event}\t${task.id}\t${String(task.attempt)}\n`);
}

function hangOf(task: AgentTask): unknown {
  return typeof task.data === 'object' && task.data !== null && !Array.isArray(task.data) ? task.data.hang : undefined;
}

/**
 * The chaos run's agents' work: 5–30 ms, like a small real job. Tasks marked `hang` never return
 * on their first attempt: `until_aborted` waits for the attempt's AbortSignal (a well-behaved
 * long job that stops when told to, then fails), `forever` ignores it (a handler that is truly
 * stuck). Every run is written down when it starts and when it answers: the files show how often
 * each task really ran.
 */
const chaosHandler: TaskHandler = async (task, context) => {
  record('start', task, context.agentId);
  const hang = hangOf(task);
  if (task.attempt === 1 && hang === 'forever') await new Promise<never>(() => undefined);
  if (task.attempt === 1 && hang === 'until_aborted') {
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      else
        context.signal.addEventListener(
          'abort',
          () => {
            resolve();
          },
          { once: true },
        );
    });
    record('aborted', task, context.agentId);
    throw new Error(`attempt ${String(task.attempt)} of ${task.id} was cancelled`);
  }
  await delay(5 + Math.random() * 25);
  record('done', task, context.agentId);
  return { agentId: context.agentId, attempt: task.attempt };
};

export default chaosHandler;
