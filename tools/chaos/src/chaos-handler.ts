import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { TaskHandler } from '@switchyard/agent';

// Set by the chaos harness for its agent processes.
const executionsDir = process.env.CHAOS_EXECUTIONS_DIR;

/**
 * The chaos run's agents' work: 5–30 ms, like a small real job, then a line per run in the
 * agent's file. Written synchronously before answering, so a SIGKILL cannot hide a run whose
 * answer may have counted: the files show how often each task really ran.
 */
const chaosHandler: TaskHandler = async (task, context) => {
  await delay(5 + Math.random() * 25);
  if (executionsDir !== undefined) appendFileSync(join(executionsDir, `${context.agentId}.log`), `${task.id}\t${String(task.attempt)}\n`);
  return { agentId: context.agentId, attempt: task.attempt };
};

export default chaosHandler;
