import { SwitchyardAgent } from '@switchyard/agent';
import { ValidationError } from '@switchyard/core';
import { loadHandler } from '../agent/load-handler.js';
import { loadConfig } from '../config/load-config.js';
import { wireTransport } from '../container/transport-wiring.js';
import type { LogLevel } from '../logging/pino-logger.js';
import { PinoLogger } from '../logging/pino-logger.js';
import type { CommandIo } from './command-io.js';
import { shutdownSignal } from './shutdown-signal.js';

export interface AgentCommandOptions {
  readonly config?: string;
  readonly id?: string;
  readonly capabilities?: string[];
  readonly priority?: number;
  readonly capacity?: number;
  readonly handler?: string;
  readonly logLevel?: LogLevel;
}

/**
 * `switchyard agent`: one agent process. It registers over the configured transport, answers
 * with the user's handler, heartbeats, and on SIGTERM/SIGINT finishes its tasks and unregisters.
 */
export async function runAgent(options: AgentCommandOptions, io: CommandIo): Promise<number> {
  const { config } = await loadConfig(options.config, io.env);
  const agentId = options.id ?? config.agent.id;
  const capabilities = options.capabilities ?? config.agent.capabilities;
  const handlerPath = options.handler ?? config.agent.handler;
  const missing = [
    ...(agentId === undefined ? [{ field: 'agent.id', message: 'required (--id or agent.id in the config)' }] : []),
    ...(capabilities === undefined
      ? [{ field: 'agent.capabilities', message: 'required (--capabilities or agent.capabilities)' }]
      : []),
    ...(handlerPath === undefined
      ? [
          {
            field: 'agent.handler',
            message: 'required (--handler or agent.handler): a module exporting the task handler',
          },
        ]
      : []),
  ];
  if (missing.length > 0) throw new ValidationError(missing, 'agent');
  const wiring = wireTransport(config.transport);
  if (!wiring.crossesProcesses) {
    throw ValidationError.field(
      'transport.kind',
      `'${wiring.kind}' cannot reach an orchestrator in another process: use { kind: nats, servers: [...] }`,
      'agent',
    );
  }
  const handler = await loadHandler(handlerPath as string);
  const logger = PinoLogger.create(options.logLevel ?? config.logging.level, config.logging.format, io.stderr);
  const priority = options.priority ?? config.agent.priority;
  const capacity = options.capacity ?? config.agent.capacity;
  const agent = new SwitchyardAgent(
    {
      agentId: agentId as string,
      capabilities: capabilities as string[],
      ...(priority === undefined ? {} : { priority }),
      ...(capacity === undefined ? {} : { capacity }),
      ...(config.agent.metadata === undefined ? {} : { metadata: config.agent.metadata }),
      ...(config.agent.token === undefined ? {} : { authToken: config.agent.token }),
    },
    wiring.connect(),
    handler,
    logger,
  );
  await agent.start();
  io.stdout.write(
    `agent ${agent.agentId} registered: [${(capabilities as string[]).join(', ')}] over ${wiring.description}\n`,
  );
  const signal = await shutdownSignal();
  io.stdout.write(`${signal}: agent ${agent.agentId} finishing its tasks and unregistering\n`);
  await agent.stop();
  io.stdout.write(`agent ${agent.agentId} stopped\n`);
  return 0;
}
