import { EXIT } from '../cli/exit-codes.js';
import type { ClientCommandOptions } from '../client/with-orchestrator-client.js';
import { withOrchestratorClient } from '../client/with-orchestrator-client.js';
import { renderTable } from '../render/render-table.js';
import type { CommandIo } from './command-io.js';

/** `switchyard agents`: every agent of a running orchestrator, as a table or JSON. */
export async function runAgents(options: ClientCommandOptions, io: CommandIo): Promise<number> {
  const agents = await withOrchestratorClient(options, io.env, (client) => client.listAgents());
  if (options.json === true) {
    io.stdout.write(`${JSON.stringify(agents, null, 2)}\n`);
    return EXIT.ok;
  }
  if (agents.length === 0) {
    io.stdout.write('No agents registered.\n');
    return EXIT.ok;
  }
  const rows = agents.map((agent) => [
    agent.id,
    agent.status,
    `${String(agent.load)}/${agent.capacity === null ? '∞' : String(agent.capacity)}`,
    String(agent.priority),
    agent.stats.latencyEwmaMs === null ? '–' : `${agent.stats.latencyEwmaMs.toFixed(1)} ms`,
    String(agent.stats.completed),
    String(agent.stats.failed),
    agent.capabilities.join(','),
  ]);
  io.stdout.write(
    `${renderTable(['agent', 'status', 'load', 'priority', 'latency', 'completed', 'failed', 'capabilities'], rows)}\n`,
  );
  return EXIT.ok;
}
