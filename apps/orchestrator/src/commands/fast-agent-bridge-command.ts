import { ValidationError } from '@switchyard/core';
import type { FastAgentBridge } from '@switchyard/fast-agent';
import { loadConfig } from '../config/load-config.js';
import { resolveFastAgentPaths } from '../config/resolve-fast-agent-paths.js';
import { wireTransport } from '../container/transport-wiring.js';
import type { LogLevel } from '../logging/pino-logger.js';
import { PinoLogger } from '../logging/pino-logger.js';
import { optionalPackage } from '../optional/optional-packages.js';
import type { CommandIo } from './command-io.js';
import { shutdownSignal } from './shutdown-signal.js';

/** One line about what a bridge brought in. */
export function describeBridge(bridge: FastAgentBridge): string {
  const agents = bridge.agents().sort((a, b) => a.agentId.localeCompare(b.agentId));
  const servers = bridge.options.servers.map((server) => server.name).join(', ');
  return agents.length === 0
    ? `no agents yet from ${servers} (probing until they answer)`
    : agents.map((agent) => `${agent.agentId} (${agent.server}/${agent.tool})`).join(', ');
}

/**
 * `switchyard fast-agent-bridge`: a process that brings the fast-agent agents of the config's
 * `fastAgent` section to an orchestrator over a transport that crosses processes (NATS).
 */
export async function runFastAgentBridge(
  options: { readonly config?: string; readonly logLevel?: LogLevel },
  io: CommandIo,
): Promise<number> {
  const { config, baseDir } = await loadConfig(options.config, io.env);
  if (config.fastAgent === undefined)
    throw ValidationError.field(
      'fastAgent',
      'required: the fast-agent servers to bridge (see docs/fast-agent.md)',
      'config',
    );
  const wiring = wireTransport(config.transport);
  if (!wiring.crossesProcesses) {
    throw ValidationError.field(
      'transport.kind',
      `'${wiring.kind}' cannot reach an orchestrator in another process: use { kind: nats, servers: [...] }, or put fastAgent in the orchestrator's own config`,
      'config',
    );
  }
  const logger = PinoLogger.create(options.logLevel ?? config.logging.level, config.logging.format, io.stderr);
  const { FastAgentBridge: Bridge } = optionalPackage('fastAgent', 'fastAgent');
  const bridge = new Bridge(resolveFastAgentPaths(config.fastAgent, baseDir), () => wiring.connect(), logger);
  await bridge.start();
  io.stdout.write(`fast-agent bridge over ${wiring.description}: ${describeBridge(bridge)}\n`);
  const signal = await shutdownSignal();
  io.stdout.write(`${signal}: unregistering the fast-agent agents\n`);
  await bridge.stop();
  io.stdout.write('fast-agent bridge stopped\n');
  return 0;
}
