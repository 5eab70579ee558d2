import { loadConfig } from '../config/load-config.js';
import type { CommandIo } from './command-io.js';

/** `switchyard config check`: validates a config file (with env overrides) and summarises it. */
export async function runConfigCheck(options: { config?: string }, io: CommandIo): Promise<number> {
  const { config, source, overrides } = await loadConfig(options.config, io.env);
  io.stdout.write(
    [
      `config OK: ${source}`,
      `  transport:        ${config.transport.kind}`,
      `  default strategy: ${config.distribution.defaultStrategy}`,
      `  tokens:           ${String(config.auth.tokens.length)}`,
      `  demo agents:      ${String(config.demo.agents.length)}`,
      ...(overrides.length > 0 ? [`  from env:         ${overrides.join(', ')}`] : []),
    ].join('\n') + '\n',
  );
  return 0;
}
