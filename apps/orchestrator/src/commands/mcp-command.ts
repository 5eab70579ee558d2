import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ValidationError } from '@switchyard/core';
import { loadConfig } from '../config/load-config.js';
import { requireOptionalPackage } from '../optional/optional-packages.js';
import { startOrchestrator } from '../container/start-orchestrator.js';
import { createMcpAgentMailboxes } from '../http/create-mcp-agent-mailboxes.js';
import type { LogLevel } from '../logging/pino-logger.js';
import { PinoLogger } from '../logging/pino-logger.js';
import type { CommandIo } from './command-io.js';
import { shutdownSignal } from './shutdown-signal.js';

export interface McpCommandOptions {
  readonly config?: string;
  readonly stdio?: boolean;
  readonly logLevel?: LogLevel;
}

/**
 * `switchyard mcp --stdio`: the orchestrator (transport and demo fleet from config) serving MCP on
 * stdin/stdout for an MCP client that spawns it. stdout carries only MCP; logs go to stderr.
 * The session's token: SWITCHYARD_TOKEN, else a tool's auth_token argument; with no token in
 * the config, a generated admin token is the session's (the client that spawned the process owns it).
 */
export async function runMcp(options: McpCommandOptions, io: CommandIo): Promise<number> {
  if (options.stdio !== true)
    throw ValidationError.field('stdio', 'say --stdio (the HTTP endpoint is served by `switchyard start`)', 'mcp');
  const { config, baseDir } = await loadConfig(options.config, io.env);
  const { createSwitchyardMcpServer } = await requireOptionalPackage('mcp', 'mcp');
  const logger = PinoLogger.create(options.logLevel ?? config.logging.level, config.logging.format, io.stderr);
  const running = await startOrchestrator(config, logger, baseDir);
  const { orchestrator, fleet } = running;
  const mailboxes = createMcpAgentMailboxes(orchestrator, config, logger);
  const sessionToken = io.env.SWITCHYARD_TOKEN ?? orchestrator.generatedAdminToken;
  const server = createSwitchyardMcpServer({
    engine: orchestrator.engine,
    authenticator: orchestrator.authenticator,
    mailboxes,
    ...(sessionToken === undefined ? {} : { sessionToken }),
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => {
      resolve();
    };
  });
  await server.connect(transport);
  logger.info('MCP server on stdio', { agents: fleet.length });
  await Promise.race([closed, shutdownSignal()]);
  await server.close();
  await mailboxes.stop();
  await running.stop();
  return 0;
}
