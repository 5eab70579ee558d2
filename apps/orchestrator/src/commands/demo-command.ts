import { StrategyRegistry } from '@switchyard/core/internal';
import type { DemoTaskType } from '../config/demo-options.js';
import { loadConfig } from '../config/load-config.js';
import { startOrchestrator } from '../container/start-orchestrator.js';
import type { LatencySummary } from '../demo/latency-summary.js';
import { summarizeLatencies } from '../demo/latency-summary.js';
import type { DemoTaskOutcome } from '../demo/run-demo-task.js';
import { runDemoTask } from '../demo/run-demo-task.js';
import type { LogLevel } from '../logging/pino-logger.js';
import { PinoLogger } from '../logging/pino-logger.js';
import { ProgressBar } from '../render/progress-bar.js';
import { renderTable } from '../render/render-table.js';
import type { CommandIo } from './command-io.js';

export interface DemoOptions {
  readonly config?: string;
  readonly tasks?: number;
  readonly concurrency?: number;
  readonly json?: boolean;
  readonly logLevel?: LogLevel;
}

interface StrategyRun {
  readonly strategy: string;
  readonly tasks: number;
  readonly completed: number;
  readonly failed: number;
  readonly failures: Record<string, number>;
  /** Tasks that found every capable agent busy and waited in the queue. */
  readonly queued: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly latency: LatencySummary;
  readonly perAgent: Record<string, number>;
}

/** Runs `count` tasks with at most `concurrency` in flight. */
async function runBatch(
  count: number,
  concurrency: number,
  runOne: (sequence: number) => Promise<DemoTaskOutcome>,
  onDone: (done: number) => void,
): Promise<DemoTaskOutcome[]> {
  const outcomes: DemoTaskOutcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const sequence = next++;
      outcomes.push(await runOne(sequence));
      onDone(outcomes.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return outcomes;
}

/** `switchyard demo` / `npm run demo`: the same batch through every strategy, compared in one table. */
export async function runDemo(options: DemoOptions, io: CommandIo): Promise<number> {
  const { config, baseDir } = await loadConfig(options.config, io.env);
  if (config.demo.agents.length === 0 || config.demo.taskTypes.length === 0) {
    io.stderr.write(
      'The demo needs demo.agents and demo.taskTypes in the config (see apps/orchestrator/switchyard.example.yaml).\n',
    );
    return 2;
  }
  const tasks = options.tasks ?? config.demo.batch.tasks;
  const concurrency = options.concurrency ?? config.demo.batch.concurrency;
  const logger = PinoLogger.create(options.logLevel ?? 'warn', config.logging.format, io.stderr);
  const running = await startOrchestrator(config, logger, baseDir);
  const { orchestrator, fleet } = running;
  // Every registered strategy, plugins included (custom too, when it points somewhere).
  const strategies = [
    ...orchestrator.container.get(StrategyRegistry).names(),
    ...(config.distribution.customStrategy === undefined ? [] : ['custom']),
  ];
  const runs: StrategyRun[] = [];
  try {
    if (options.json !== true) {
      io.stdout.write(
        `${String(tasks)} tasks per strategy, ${String(concurrency)} in flight, ${String(fleet.length)} demo agents, ${String(config.demo.taskTypes.length)} task types\n`,
      );
    }
    for (const strategy of strategies) {
      const bar = options.json === true ? undefined : new ProgressBar(tasks, strategy, io.stderr);
      const started = performance.now();
      const outcomes = await runBatch(
        tasks,
        concurrency,
        (sequence) =>
          runDemoTask(
            orchestrator.engine,
            orchestrator.internalToken,
            config.demo.taskTypes[sequence % config.demo.taskTypes.length] as DemoTaskType,
            sequence,
            strategy,
          ),
        (done) => bar?.update(done),
      );
      bar?.finish();
      const seconds = (performance.now() - started) / 1000;
      const perAgent: Record<string, number> = {};
      const failures: Record<string, number> = {};
      for (const outcome of outcomes) {
        if (outcome.ok) perAgent[outcome.agentId] = (perAgent[outcome.agentId] ?? 0) + 1;
        else failures[outcome.code] = (failures[outcome.code] ?? 0) + 1;
      }
      const completed = outcomes.filter((outcome) => outcome.ok);
      runs.push({
        strategy,
        tasks,
        completed: completed.length,
        failed: outcomes.length - completed.length,
        failures,
        queued: outcomes.filter((outcome) => outcome.queued).length,
        seconds,
        throughput: outcomes.length / seconds,
        latency: summarizeLatencies(completed.map((outcome) => outcome.latencyMs)),
        perAgent,
      });
    }
  } finally {
    await running.stop();
  }

  if (options.json === true) {
    io.stdout.write(`${JSON.stringify({ tasks, concurrency, strategies: runs }, null, 2)}\n`);
    return 0;
  }
  const agentIds = config.demo.agents.map((agent) => agent.id);
  const rows = [
    ...agentIds.map((id) => [id, ...runs.map((run) => String(run.perAgent[id] ?? 0))]),
    ['failed', ...runs.map((run) => String(run.failed))],
    ['queued: all busy', ...runs.map((run) => String(run.queued))],
    ['tasks/s', ...runs.map((run) => run.throughput.toFixed(0))],
    ['p50 ms', ...runs.map((run) => run.latency.p50.toFixed(1))],
    ['p99 ms', ...runs.map((run) => run.latency.p99.toFixed(1))],
  ];
  io.stdout.write(
    `\nTasks completed per agent, by strategy\n${renderTable(['agent', ...runs.map((run) => run.strategy)], rows)}\n`,
  );
  const failureNotes = runs
    .filter((run) => run.failed > 0)
    .map(
      (run) =>
        `${run.strategy}: ${Object.entries(run.failures)
          .map(([code, count]) => `${String(count)} ${code}`)
          .join(', ')}`,
    );
  if (failureNotes.length > 0)
    io.stdout.write(`\nFailures (demo agents fail at their configured failureRate):\n  ${failureNotes.join('\n  ')}\n`);
  return 0;
}
