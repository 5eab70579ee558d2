import { OrchestrationEngine } from '@switchyard/core';
import type { DemoTaskType } from '../config/demo-options.js';
import type { LogLevel } from '../logging/pino-logger.js';
import { PinoLogger } from '../logging/pino-logger.js';
import { loadConfig } from '../config/load-config.js';
import { startOrchestrator } from '../container/start-orchestrator.js';
import { runDemoTask } from '../demo/run-demo-task.js';
import type { CommandIo } from './command-io.js';
import { TaskTally } from './task-tally.js';
import { shutdownSignal } from './shutdown-signal.js';
import { resolveFastAgentPaths } from '../config/resolve-fast-agent-paths.js';
import { describeBridge } from './fast-agent-bridge-command.js';
import { optionalPackage } from '../optional/optional-packages.js';

const TRAFFIC_TICK_MS = 100;

export interface StartOptions {
  readonly config?: string;
  readonly logLevel?: LogLevel;
}

/** Sends the configured example traffic (the status line counts it with every other task). */
class DemoTraffic {
  private readonly inFlight = new Set<Promise<void>>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private owed = 0;
  private sequence = 0;

  constructor(
    private readonly engine: OrchestrationEngine,
    private readonly token: string,
    private readonly taskTypes: readonly DemoTaskType[],
    private readonly tasksPerSecond: number,
  ) {}

  start(): void {
    if (this.tasksPerSecond === 0 || this.taskTypes.length === 0) return;
    this.timer = setInterval(() => {
      this.owed += (this.tasksPerSecond * TRAFFIC_TICK_MS) / 1000;
      for (; this.owed >= 1; this.owed--) this.send();
    }, TRAFFIC_TICK_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private send(): void {
    const taskType = this.taskTypes[this.sequence % this.taskTypes.length] as DemoTaskType;
    this.sequence++;
    const running: Promise<void> = runDemoTask(this.engine, this.token, taskType, this.sequence).then(() => {
      this.inFlight.delete(running);
    });
    this.inFlight.add(running);
  }
}

/** `switchyard start`: the daemon with its in-process demo fleet, until SIGINT/SIGTERM. */
export async function runStart(options: StartOptions, io: CommandIo): Promise<number> {
  const { config, source, overrides, baseDir } = await loadConfig(options.config, io.env);
  const logger = PinoLogger.create(options.logLevel ?? config.logging.level, config.logging.format, io.stderr);
  const running = await startOrchestrator(config, logger, baseDir);
  const { orchestrator, fleet } = running;
  // The bridge exists before HTTP is served, so /metrics can show its servers.
  const fastAgent =
    config.fastAgent === undefined
      ? undefined
      : new (optionalPackage('fastAgent', 'fastAgent').FastAgentBridge)(
          resolveFastAgentPaths(config.fastAgent, baseDir),
          () => orchestrator.connectAgentTransport(),
          logger,
        );
  // Imported only when on: it needs the optional MCP server package, which the config check found.
  const http = config.mcp.http.enabled
    ? await (
        await import('../http/serve-orchestrator-http.js')
      ).serveOrchestratorHttp(orchestrator, config, logger, fastAgent)
    : undefined;
  await fastAgent?.start();
  const a2aAgents =
    config.a2a?.agents === undefined
      ? undefined
      : new (optionalPackage('a2a', 'a2a.agents').A2aAgents)(
          config.a2a.agents,
          () => orchestrator.connectAgentTransport(),
          logger,
          io.env,
        );
  await a2aAgents?.start();
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };

  out(`Switchyard orchestrator running`);
  out(`  config:            ${source}${overrides.length > 0 ? ` (overridden from env: ${overrides.join(', ')})` : ''}`);
  out(`  transport:         ${orchestrator.transportDescription}`);
  out(`  durability:        ${orchestrator.durabilityDescription}`);
  out(`  default strategy:  ${config.distribution.defaultStrategy}`);
  // Only the demo fleet is in this process; fast-agent agents have their own line, others join over the transport.
  const demoAgents = new Set(fleet.map((agent) => agent.agentId));
  out(
    fleet.length > 0
      ? `  agents:            ${String(fleet.length)} in-process demo agent(s)`
      : '  agents:            no in-process demo agents; agents join over the transport',
  );
  for (const agent of orchestrator.distributor.listAgents().filter((candidate) => demoAgents.has(candidate.id))) {
    out(
      `    ${agent.id.padEnd(18)} [${agent.capabilities.join(', ')}]  priority ${String(agent.priority)}  capacity ${agent.capacity === null ? '∞' : String(agent.capacity)}`,
    );
  }
  const traffic = new DemoTraffic(
    orchestrator.engine,
    orchestrator.internalToken,
    config.demo.taskTypes,
    config.demo.tasksPerSecond,
  );
  traffic.start();
  if (fastAgent !== undefined) out(`  fast-agent:        ${describeBridge(fastAgent)}`);
  if (a2aAgents !== undefined) {
    const joined = a2aAgents.agents();
    out(
      `  A2A agents:        ${String(joined.length)} joined${joined.length === 0 ? '' : `: ${joined.map((agent) => `${agent.agentId} [${agent.capabilities.join(', ')}]`).join(', ')}`}`,
    );
  }
  if (http !== undefined) {
    out(`  MCP (HTTP):        ${http.mcpUrl}`);
    if (http.metricsUrl !== undefined)
      out(
        `  metrics:           ${http.metricsUrl}${config.metrics.requireToken ? '  (Authorization: Bearer <token with ops:read>)' : ''}`,
      );
    if (http.dashboardUrl !== undefined) out(`  dashboard:         ${http.dashboardUrl}`);
    if (http.a2aCardUrl !== undefined)
      out(`  A2A agent card:    ${http.a2aCardUrl}  (Authorization: Bearer <token with tasks:distribute>)`);
  }
  if (orchestrator.generatedAdminToken !== undefined) {
    out(
      `  admin token:       ${orchestrator.generatedAdminToken}  (made now because the config defines none; shown once)`,
    );
  }
  out(
    config.demo.tasksPerSecond > 0
      ? `  example traffic:   ${String(config.demo.tasksPerSecond)} task(s)/s across ${String(config.demo.taskTypes.length)} task type(s)`
      : '  example traffic:   off',
  );
  out('Press Ctrl-C to stop.');

  const tally = new TaskTally(orchestrator.distributor);
  const report = setInterval(() => {
    const { completed, failed, failureCodes, latency } = tally.drain();
    const agents = orchestrator.distributor.listAgents();
    const online = agents.filter((agent) => agent.status === 'online').length;
    // In flight: the tasks agents hold now, whoever sent them.
    const held = agents.reduce((sum, agent) => sum + agent.load, 0);
    const failures = failureCodes.join(', ');
    out(
      `[${new Date().toISOString().slice(11, 19)}] agents ${String(online)}/${String(agents.length)} online · tasks completed ${String(completed)}, failed ${String(failed)}${failures === '' ? '' : ` (${failures})`} · in flight ${String(held)} · p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
    );
  }, config.demo.reportIntervalMs);

  const signal = await shutdownSignal();
  out(`${signal}: shutting down — finishing tasks in flight (at most ${String(config.shutdownTimeoutMs)} ms)`);
  clearInterval(report);
  tally.stop();
  const stopped = (async () => {
    await traffic.stop();
    await http?.stop();
    await a2aAgents?.stop();
    await fastAgent?.stop();
    await running.stop();
  })();
  const outcome = await Promise.race([stopped.then(() => 'stopped' as const), delay(config.shutdownTimeoutMs)]);
  // A NATS client still retrying an unreachable server keeps timers alive: they must not keep the process past its shutdown.
  setTimeout(() => process.exit(), 0).unref();
  if (outcome === 'stopped') {
    out('Switchyard stopped cleanly.');
    return 0;
  }
  io.stderr.write(
    `Shutdown did not finish within shutdownTimeoutMs (${String(config.shutdownTimeoutMs)} ms): exiting with work unfinished (durable tasks go to another orchestrator)\n`,
  );
  return 1;
}

/** Resolves after `ms`; never keeps the process alive on its own. */
function delay(ms: number): Promise<'timed_out'> {
  return new Promise((resolve) => {
    setTimeout(() => {
      resolve('timed_out');
    }, ms).unref();
  });
}
