import { EXIT } from '../cli/exit-codes.js';
import type { ClientCommandOptions } from '../client/with-orchestrator-client.js';
import { withOrchestratorClient } from '../client/with-orchestrator-client.js';
import type { CommandIo } from './command-io.js';

export interface CancelOptions extends ClientCommandOptions {
  readonly reason?: string;
}

/**
 * `switchyard cancel TASK`: ends a task that has not finished (the cancel_task tool): it leaves
 * the queue, or its agent is told to stop; its status becomes cancelled. Exit 1 when the
 * orchestrator refuses (unknown task, already finished).
 */
export async function runCancel(taskId: string, options: CancelOptions, io: CommandIo): Promise<number> {
  return withOrchestratorClient(options, io.env, async (client) => {
    const task = await client.cancelTask(taskId, options.reason);
    io.stdout.write(
      options.json === true
        ? `${JSON.stringify({ task: task.id, status: task.status, reason: task.error?.message ?? null })}\n`
        : `task ${task.id} is ${task.status}${task.error === null ? '' : `: ${task.error.message}`}\n`,
    );
    return EXIT.ok;
  });
}
