import { EXIT } from '../cli/exit-codes.js';
import type { ClientCommandOptions } from '../client/with-orchestrator-client.js';
import { withOrchestratorClient } from '../client/with-orchestrator-client.js';
import type { CommandIo } from './command-io.js';

/** `switchyard undrain AGENT`: the agent takes new tasks again (tasks queued for it start at once). */
export async function runUndrain(agentId: string, options: ClientCommandOptions, io: CommandIo): Promise<number> {
  return withOrchestratorClient(options, io.env, async (client) => {
    const agent = await client.undrainAgent(agentId);
    io.stdout.write(
      options.json === true
        ? `${JSON.stringify({ agent: agent.id, status: agent.status, load: agent.load })}\n`
        : `${agent.id} is ${agent.status}: it takes new tasks again\n`,
    );
    return EXIT.ok;
  });
}
