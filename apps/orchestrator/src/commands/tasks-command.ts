import { EXIT } from '../cli/exit-codes.js';
import type { ClientCommandOptions } from '../client/with-orchestrator-client.js';
import { withOrchestratorClient } from '../client/with-orchestrator-client.js';
import { renderTable } from '../render/render-table.js';
import type { CommandIo } from './command-io.js';

export interface TasksOptions extends ClientCommandOptions {
  readonly status?: string;
  readonly limit?: number;
  /** List the oldest first instead of the newest. */
  readonly oldest?: boolean;
}

/** `switchyard tasks`: the tasks a running orchestrator holds, newest first, optionally with one status. */
export async function runTasks(options: TasksOptions, io: CommandIo): Promise<number> {
  const filter = {
    ...(options.status === undefined ? {} : { status: options.status }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    order: options.oldest === true ? ('oldest' as const) : ('newest' as const),
  };
  const tasks = await withOrchestratorClient(options, io.env, (client) => client.listTasks(filter));
  if (options.json === true) {
    io.stdout.write(`${JSON.stringify(tasks, null, 2)}\n`);
    return EXIT.ok;
  }
  if (tasks.length === 0) {
    io.stdout.write(options.status === undefined ? 'No tasks.\n' : `No ${options.status} tasks.\n`);
    return EXIT.ok;
  }
  const rows = tasks.map((task) => [
    task.id,
    task.type,
    task.status,
    task.assignedAgentId ?? '–',
    task.priority,
    `${String(task.attempts)}/${String(task.maxAttempts)}`,
    new Date(task.createdAt).toISOString().slice(11, 19),
    task.finishedAt === null ? '–' : `${String(task.finishedAt - task.createdAt)} ms`,
    task.error === null ? '' : (task.error.code ?? task.error.message),
  ]);
  io.stdout.write(
    `${renderTable(['task', 'type', 'status', 'agent', 'priority', 'attempts', 'created', 'took', 'error'], rows)}\n`,
  );
  return EXIT.ok;
}
