import { SilentLogger } from '@switchyard/core';
import { fastAgentConfigWarnings } from '../config/fast-agent-config-warnings.js';
import { loadConfig } from '../config/load-config.js';
import { buildStrategyRegistry } from '../strategies/build-strategy-registry.js';
import type { CommandIo } from './command-io.js';

/**
 * `switchyard config check`: validates a config file (with env overrides) and summarises it.
 * Strategy plugins are loaded, checked and created as `start` does (then disposed), so every
 * plugin problem `start` would refuse is refused here with the same message and exit code.
 */
export async function runConfigCheck(options: { config?: string }, io: CommandIo): Promise<number> {
  const { config, source, overrides, baseDir } = await loadConfig(options.config, io.env);
  const strategies = await buildStrategyRegistry(config, baseDir, new SilentLogger());
  const strategyNames = strategies.names();
  strategies.dispose();
  const fastAgent = config.fastAgent;
  const a2a = config.a2a;
  io.stdout.write(
    [
      `config OK: ${source}`,
      `  transport:        ${config.transport.kind}`,
      `  default strategy: ${config.distribution.defaultStrategy}`,
      `  strategies:       ${strategyNames.join(', ')}`,
      `  tokens:           ${String(config.auth.tokens.length)}`,
      `  demo agents:      ${String(config.demo.agents.length)}`,
      ...(fastAgent === undefined
        ? []
        : [
            `  fast-agent:       ${String(fastAgent.servers.length)} server(s), ${String(fastAgent.agents.length)} mapped agent(s)`,
          ]),
      ...(a2a === undefined
        ? []
        : [
            `  A2A:              ${String(a2a.agents?.cards.length ?? 0)} card(s), ${String(a2a.agents?.directories.length ?? 0)} directory(ies); endpoint ${a2a.server.enabled ? `on at ${a2a.server.path}` : 'off'}`,
          ]),
      ...(overrides.length > 0 ? [`  from env:         ${overrides.join(', ')}`] : []),
      ...fastAgentConfigWarnings(config).map((warning) => `warning: ${warning}`),
    ].join('\n') + '\n',
  );
  return 0;
}
