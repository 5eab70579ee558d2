import { OrchestrationEngine } from '@switchyard/core';
import type { DemoTaskType } from '../config/demo-options.js';
import type { LogLevel } from '../logging/pino-logger.js';
import { PinoLogger } from '../logging/pino-logger.js';
import { loadConfig } from '../config/load-config.js';
import { startOrchestrator } from '../container/start-orchestrator.js';
import { summarizeLatencies } from '../demo/latency-summary.js';
import type { DemoTaskOutcome } from '../demo/run-demo-task.js';
import { runDemoTask } from '../demo/run-demo-task.js';
import type { CommandIo } from './command-io.js';
import { shutdownSignal } from './shutdown-signal.js';
import { serveOrchestratorHttp } from '../http/serve-orchestrator-http.js';
import { FastAgentBridge } from '@switchyard/fast-agent';
import { describeBridge } from './fast-agent-bridge-command.js';

const TRAFFIC_TICK_MS = 100;

export interface StartOptions {
  readonly config?: string;
  readonly logLevel?: LogLevel;
}

/** Sends the configured example traffic and keeps the numbers for the status line. */
class DemoTraffic {
  private readonly inFlight = new Set<Promise<void>>();
  private outcomes: DemoTaskOutcome[] = [];
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

  /** Outcomes since the last call. */
  drainOutcomes(): DemoTaskOutcome[] {
    const outcomes = this.outcomes;
    this.outcomes = [];
    return outcomes;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private send(): void {
    const taskType = this.taskTypes[this.sequence % this.taskTypes.length] as DemoTaskType;
    this.sequence++;
    const running: Promise<void> = runDemoTask(this.engine, this.token, taskType, this.sequence).then((outcome) => {
      this.outcomes.push(outcome);
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
  const http = await serveOrchestratorHttp(orchestrator, config, logger);
  const fastAgent = config.fastAgent === undefined ? undefined : new FastAgentBridge(config.fastAgent, () => orchestrator.connectAgentTransport(), logger);
  await fastAgent?.start();
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };

  out(`Switchyard orchestrator running`);
  out(`  config:            ${source}${overrides.length > 0 ? ` (overridden from env: ${overrides.join(', ')})` : ''}`);
  out(`  transport:         ${orchestrator.transportDescription}`);
  out(`  durability:        ${orchestrator.durabilityDescription}`);
  out(`  default strategy:  ${config.distribution.defaultStrategy}`);
  out(`  agents:            ${String(fleet.length)} in-process demo agent(s)`);
  for (const agent of orchestrator.distributor.listAgents()) {
    out(`    ${agent.id.padEnd(18)} [${agent.capabilities.join(', ')}]  priority ${String(agent.priority)}  capacity ${agent.capacity === null ? '∞' : String(agent.capacity)}`);
  }
  const traffic = new DemoTraffic(orchestrator.engine, orchestrator.internalToken, config.demo.taskTypes, config.demo.tasksPerSecond);
  traffic.start();
  if (fastAgent !== undefined) out(`  fast-agent:        ${describeBridge(fastAgent)}`);
  if (http !== undefined) {
    out(`  MCP (HTTP):        ${http.mcpUrl}`);
    if (http.metricsUrl !== undefined) out(`  metrics:           ${http.metricsUrl}${config.metrics.requireToken ? '  (Authorization: Bearer <token with ops:read>)' : ''}`);
    if (http.dashboardUrl !== undefined) out(`  dashboard:         ${http.dashboardUrl}`);
  }
  if (orchestrator.generatedAdminToken !== undefined) {
    out(`  admin token:       ${orchestrator.generatedAdminToken}  (made now because the config defines none; shown once)`);
  }
  out(config.demo.tasksPerSecond > 0 ? `  example traffic:   ${String(config.demo.tasksPerSecond)} task(s)/s across ${String(config.demo.taskTypes.length)} task type(s)` : '  example traffic:   off');
  out('Press Ctrl-C to stop.');

  const report = setInterval(() => {
    const outcomes = traffic.drainOutcomes();
    const completed = outcomes.filter((outcome) => outcome.ok);
    const failed = outcomes.filter((outcome): outcome is Extract<DemoTaskOutcome, { ok: false }> => !outcome.ok);
    const latency = summarizeLatencies(completed.map((outcome) => outcome.latencyMs));
    const agents = orchestrator.distributor.listAgents();
    const online = agents.filter((agent) => agent.status === 'online').length;
    const failures = [...new Set(failed.map((outcome) => outcome.code))].join(', ');
    out(
      `[${new Date().toISOString().slice(11, 19)}] agents ${String(online)}/${String(agents.length)} online · tasks completed ${String(completed.length)}, failed ${String(failed.length)}${failures === '' ? '' : ` (${failures})`} · in flight ${String(traffic.pending)} · p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
    );
  }, config.demo.reportIntervalMs);

  const signal = await shutdownSignal();
  out(`${signal}: shutting down — finishing tasks in flight (at most ${String(config.shutdownTimeoutMs)} ms)`);
  clearInterval(report);
  const stopped = (async () => {
    await traffic.stop();
    await http?.stop();
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
  io.stderr.write(`Shutdown did not finish within shutdownTimeoutMs (${String(config.shutdownTimeoutMs)} ms): exiting with work unfinished (durable tasks go to another orchestrator)\n`);
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
