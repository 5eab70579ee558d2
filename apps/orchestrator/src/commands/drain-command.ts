import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT } from '../cli/exit-codes.js';
import type { ClientCommandOptions } from '../client/with-orchestrator-client.js';
import { withOrchestratorClient } from '../client/with-orchestrator-client.js';
import type { CommandIo } from './command-io.js';

/** How often `drain --wait` looks at the agent's load: MCP has no push for it, and an operator waits seconds, not milliseconds. */
const POLL_MS = 250;
const DEFAULT_WAIT_MS = 60_000;

export interface DrainOptions extends ClientCommandOptions {
  readonly wait?: boolean;
  /** ms `--wait` waits at most. */
  readonly timeout?: number;
}

/**
 * `switchyard drain AGENT`: the agent gets no new tasks and finishes those it holds. With
 * `--wait`, returns once it holds none (or has left); exit 1 if that takes longer than the timeout.
 */
export async function runDrain(agentId: string, options: DrainOptions, io: CommandIo): Promise<number> {
  return withOrchestratorClient(options, io.env, async (client) => {
    const agent = await client.drainAgent(agentId);
    const json = options.json === true;
    if (!json)
      io.stdout.write(
        `${agent.id} is draining: it gets no new tasks and finishes the ${String(agent.load)} it holds\n`,
      );
    let load = agent.load;
    if (options.wait === true) {
      const timeoutMs = options.timeout ?? DEFAULT_WAIT_MS;
      const deadline = performance.now() + timeoutMs;
      while (load > 0 && performance.now() < deadline) {
        await sleep(POLL_MS);
        load = (await client.listAgents()).find((candidate) => candidate.id === agent.id)?.load ?? 0;
      }
      if (load > 0 && !json)
        io.stderr.write(`${agent.id} still holds ${String(load)} task(s) after ${String(timeoutMs)} ms\n`);
      if (load === 0 && !json) io.stdout.write(`${agent.id} holds no tasks: safe to stop\n`);
    }
    if (json) io.stdout.write(`${JSON.stringify({ agent: agent.id, status: agent.status, load, idle: load === 0 })}\n`);
    return options.wait === true && load > 0 ? EXIT.failed : EXIT.ok;
  });
}
