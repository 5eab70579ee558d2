import { loadConfig } from '../config/load-config.js';
import type { ClientFlags } from './client-target.js';
import { resolveClientTarget } from './client-target.js';
import { OrchestratorClient } from './orchestrator-client.js';

/** The options every client command takes: where the orchestrator is, the token, a config to fall back on, JSON output. */
export interface ClientCommandOptions extends ClientFlags {
  readonly config?: string;
  readonly json?: boolean;
}

/** Connects as the options say, runs, and always closes the session. */
export async function withOrchestratorClient<T>(
  options: ClientCommandOptions,
  env: NodeJS.ProcessEnv,
  run: (client: OrchestratorClient) => Promise<T>,
): Promise<T> {
  const { config } = await loadConfig(options.config, env);
  const client = await OrchestratorClient.connect(resolveClientTarget(options, env, config));
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}
