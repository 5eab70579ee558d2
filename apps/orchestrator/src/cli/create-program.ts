import { MessagePrioritySchema, PermissionSchema, TaskStatusSchema } from '@switchyard/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { processIo } from '../commands/command-io.js';
import { CLI_VERSION } from './cli-version.js';
import type { CommandIo } from '../commands/command-io.js';
import { runAgent } from '../commands/agent-command.js';
import { runAgents } from '../commands/agents-command.js';
import type { ClientCommandOptions } from '../client/with-orchestrator-client.js';
import { runCancel } from '../commands/cancel-command.js';
import type { CancelOptions } from '../commands/cancel-command.js';
import { runDrain } from '../commands/drain-command.js';
import { runUndrain } from '../commands/undrain-command.js';
import type { DrainOptions } from '../commands/drain-command.js';
import { runSubmit } from '../commands/submit-command.js';
import type { SubmitOptions } from '../commands/submit-command.js';
import { runTasks } from '../commands/tasks-command.js';
import type { TasksOptions } from '../commands/tasks-command.js';
import { runConfigCheck } from '../commands/config-check-command.js';
import { runDemo } from '../commands/demo-command.js';
import { runFastAgentBridge } from '../commands/fast-agent-bridge-command.js';
import { runMcp } from '../commands/mcp-command.js';
import { runStart } from '../commands/start-command.js';
import { runTokenCreate } from '../commands/token-command.js';

function number(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new InvalidArgumentError('must be a number');
  return parsed;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return parsed;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** The `switchyard` command line. Each action reports its exit code through `onExit`. */
export function createProgram(onExit: (code: number) => void, io: CommandIo = processIo): Command {
  const program = new Command('switchyard')
    .description('Task distribution for fleets of AI agents')
    .version(CLI_VERSION)
    .showHelpAfterError()
    // Argument errors reach main as CommanderError (exit 2) instead of commander exiting with 1.
    .exitOverride();
  const configOption = (): Option =>
    new Option('-c, --config <path>', 'config file (YAML or JSON)').env('SWITCHYARD_CONFIG');
  const logLevelOption = (): Option => new Option('--log-level <level>', 'log level').choices(LOG_LEVELS);

  program
    .command('start')
    .description(
      'run the orchestrator (in-memory transport by default) with the demo fleet from the config, until Ctrl-C',
    )
    .addOption(configOption())
    .addOption(logLevelOption())
    .action(async (options: { config?: string; logLevel?: (typeof LOG_LEVELS)[number] }) => {
      onExit(await runStart(options, io));
    });

  program
    .command('demo')
    .description('distribute a batch of tasks with each strategy across the demo fleet and compare')
    .addOption(configOption())
    .option('--tasks <count>', 'tasks per strategy', positiveInteger)
    .option('--concurrency <count>', 'tasks in flight at once', positiveInteger)
    .option('--json', 'print the results as JSON')
    .addOption(logLevelOption())
    .action(
      async (options: {
        config?: string;
        tasks?: number;
        concurrency?: number;
        json?: boolean;
        logLevel?: (typeof LOG_LEVELS)[number];
      }) => {
        onExit(await runDemo(options, io));
      },
    );

  program
    .command('agent')
    .description('run one agent process over the configured transport (NATS), answering with your handler module')
    .addOption(configOption())
    .option('--id <id>', 'agent id')
    .option('--capabilities <list>', 'comma-separated capabilities', list)
    .option('--priority <number>', 'priority (higher wins under priority_based)', number)
    .option('--capacity <count>', 'most tasks at once', positiveInteger)
    .option('--handler <path>', 'module whose default export (or "handler") is (task, context) => result')
    .addOption(logLevelOption())
    .action(
      async (options: {
        config?: string;
        id?: string;
        capabilities?: string[];
        priority?: number;
        capacity?: number;
        handler?: string;
        logLevel?: (typeof LOG_LEVELS)[number];
      }) => {
        onExit(await runAgent(options, io));
      },
    );

  program
    .command('mcp')
    .description('serve the MCP tools on stdio, for an MCP client that spawns this process (logs on stderr)')
    .addOption(configOption())
    .option('--stdio', 'use stdin/stdout (the HTTP endpoint is served by `switchyard start`)')
    .addOption(logLevelOption())
    .action(async (options: { config?: string; stdio?: boolean; logLevel?: (typeof LOG_LEVELS)[number] }) => {
      onExit(await runMcp(options, io));
    });

  program
    .command('fast-agent-bridge')
    .description("bring the config's fastAgent servers' agents to an orchestrator over NATS")
    .addOption(configOption())
    .addOption(logLevelOption())
    .action(async (options: { config?: string; logLevel?: (typeof LOG_LEVELS)[number] }) => {
      onExit(await runFastAgentBridge(options, io));
    });

  /** The commands that talk to a running orchestrator through its MCP endpoint. */
  const clientCommand = (name: string, description: string): Command =>
    program
      .command(name)
      .description(description)
      .option(
        '--url <url>',
        'MCP endpoint of the orchestrator (else SWITCHYARD_URL, client.url, or mcp.http of the config)',
      )
      .option('--token <token>', 'token to act with (else SWITCHYARD_TOKEN or client.token; env keeps it out of `ps`)')
      .addOption(configOption())
      .option('--json', 'print JSON, for scripts');

  clientCommand(
    'agents',
    'list the agents of a running orchestrator: capabilities, status, load/capacity, priority, latency',
  ).action(async (options: ClientCommandOptions) => {
    onExit(await runAgents(options, io));
  });

  clientCommand('tasks', 'list the tasks a running orchestrator holds (newest first)')
    .addOption(new Option('--status <status>', 'only tasks with this status').choices(TaskStatusSchema.options))
    .option('--limit <count>', 'at most this many (default 100)', positiveInteger)
    .option('--oldest', 'oldest first')
    .action(async (options: TasksOptions) => {
      onExit(await runTasks(options, io));
    });

  clientCommand(
    'submit',
    'submit one task and wait for its result, or a JSONL batch (--file) with a progress bar and a summary',
  )
    .option('--file <path>', 'JSONL batch, one {"type","capabilities",...} per line; - reads stdin')
    .option('--type <type>', 'task type')
    .option('--capabilities <list>', 'comma-separated capabilities the task needs', list)
    .option('--data <json>', 'task data: JSON, or text')
    .addOption(new Option('--priority <priority>', 'task priority').choices(MessagePrioritySchema.options))
    .option('--strategy <name>', 'strategy for this task')
    .option('--id <id>', 'task id (generated when omitted)')
    .option(
      '--max-attempts <count>',
      'failed attempts before it is dead-lettered (default tasks.retry.maxAttempts)',
      positiveInteger,
    )
    .option(
      '--attempt-timeout <ms>',
      'how long one agent may hold it (default tasks.attemptTimeoutMs)',
      positiveInteger,
    )
    .option('--queue-timeout <ms>', 'longest wait for a free agent (default tasks.queue.timeoutMs)', positiveInteger)
    .option('--weight <units>', "units of an agent's capacity the task takes (default 1)", positiveInteger)
    .option('--concurrency <count>', 'batch: tasks in flight at once (default 8)', positiveInteger)
    .option('--timeout <ms>', 'how long to wait for each task (default 30000)', positiveInteger)
    .action(async (options: SubmitOptions) => {
      onExit(await runSubmit(options, io));
    });

  clientCommand('cancel', 'cancel a task that has not finished: it leaves the queue, or its agent is told to stop')
    .argument('<task>', 'task id')
    .option('--reason <text>', 'why (kept as the task error; default: who cancelled it)')
    .action(async (task: string, options: CancelOptions) => {
      onExit(await runCancel(task, options, io));
    });

  clientCommand('drain', 'set an agent to draining: it gets no new tasks and finishes those it holds')
    .argument('<agent>', 'agent id')
    .option('--wait', 'wait until the agent holds no task')
    .option('--timeout <ms>', 'with --wait: give up after this long (default 60000), exit 1', positiveInteger)
    .action(async (agent: string, options: DrainOptions) => {
      onExit(await runDrain(agent, options, io));
    });

  clientCommand('undrain', 'lift a drain: the agent takes new tasks again')
    .argument('<agent>', 'agent id')
    .action(async (agent: string, options: ClientCommandOptions) => {
      onExit(await runUndrain(agent, options, io));
    });

  const token = program.command('token').description('manage auth tokens');
  token
    .command('create')
    .description('create a random token and print the config entry holding its SHA-256')
    .requiredOption('--name <name>', 'a name for logs')
    .option('--permission <permission...>', `permissions (${PermissionSchema.options.join(', ')})`, ['admin'])
    .option('--agent-id <id>', 'limit the token to acting as this agent')
    .action(async (options: { name: string; permission: string[]; agentId?: string }) => {
      onExit(await runTokenCreate(options, io));
    });

  const config = program.command('config').description('work with config files');
  config
    .command('check')
    .description('validate a config file, listing every problem')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      onExit(await runConfigCheck(options, io));
    });

  return program;
}
