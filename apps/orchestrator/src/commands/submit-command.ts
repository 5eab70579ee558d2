import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthenticationError, AuthorizationError, SwitchyardError, ValidationError } from '@switchyard/core';
import { parseInput } from '@switchyard/core/internal';
import { EXIT } from '../cli/exit-codes.js';
import { resolveClientTarget } from '../client/client-target.js';
import { OrchestratorClient } from '../client/orchestrator-client.js';
import type { RemoteProgress } from '../client/orchestrator-client.js';
import { OrchestratorUnreachableError } from '../client/orchestrator-unreachable-error.js';
import type { ClientCommandOptions } from '../client/with-orchestrator-client.js';
import { withOrchestratorClient } from '../client/with-orchestrator-client.js';
import { loadConfig } from '../config/load-config.js';
import { summarizeLatencies } from '../demo/latency-summary.js';
import { ProgressBar } from '../render/progress-bar.js';
import { renderTable } from '../render/render-table.js';
import type { NumberedRequest, SubmitRequest } from '../submit/submit-request.js';
import { parseSubmitBatch, SubmitRequestSchema } from '../submit/submit-request.js';
import type { CommandIo } from './command-io.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CONCURRENCY = 8;
/** Failed tasks listed by line in the text summary; --json has them all. */
const LISTED_FAILURES = 20;
/** How long a batch keeps trying to reach the orchestrator again after losing it, before it gives up. */
const RECONNECT_WINDOW_MS = 60_000;
const RECONNECT_PAUSE_MS = 500;
/** Times one task is resumed after lost connections before it is reported failed. */
const RESUMES_PER_TASK = 5;

export interface SubmitOptions extends ClientCommandOptions {
  readonly file?: string;
  readonly id?: string;
  readonly type?: string;
  readonly capabilities?: string[];
  readonly data?: string;
  readonly priority?: string;
  readonly strategy?: string;
  readonly maxAttempts?: number;
  readonly attemptTimeout?: number;
  readonly queueTimeout?: number;
  readonly weight?: number;
  readonly concurrency?: number;
  /** ms to wait for each task. */
  readonly timeout?: number;
}

type Outcome =
  | {
      readonly line: number;
      readonly status: 'completed';
      readonly taskId: string;
      readonly agentId: string;
      readonly latencyMs: number;
      readonly result: unknown;
    }
  | {
      readonly line: number;
      readonly status: 'failed';
      readonly taskId: string | null;
      readonly code: string;
      readonly message: string;
    };

/** `--data` is JSON when it parses, text otherwise (like the SWITCHYARD_* overrides). */
function parseData(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** A failure that ends the whole batch: every other task would fail the same way. */
function isFatal(error: unknown): boolean {
  return error instanceof AuthenticationError || error instanceof AuthorizationError;
}

/**
 * The batch's connection to the orchestrator. A worker whose call met a lost connection asks for
 * a new one; workers that lost the same connection share one reconnect, which keeps trying for
 * RECONNECT_WINDOW_MS (the orchestrator restarting) before the batch gives up.
 */
class BatchConnection {
  private current: Promise<OrchestratorClient>;

  constructor(
    first: OrchestratorClient,
    private readonly connect: () => Promise<OrchestratorClient>,
  ) {
    this.current = Promise.resolve(first);
  }

  client(): Promise<OrchestratorClient> {
    return this.current;
  }

  async replace(lost: OrchestratorClient): Promise<void> {
    if ((await this.current) === lost) {
      this.current = this.reconnect();
      // The old session is gone with its server; closing it only frees what this process holds.
      void lost.close().catch(() => undefined);
    }
    await this.current;
  }

  async close(): Promise<void> {
    await (await this.current.catch(() => undefined))?.close();
  }

  private async reconnect(): Promise<OrchestratorClient> {
    const giveUpAt = performance.now() + RECONNECT_WINDOW_MS;
    for (;;) {
      try {
        return await this.connect();
      } catch (error) {
        if (!(error instanceof OrchestratorUnreachableError) || performance.now() > giveUpAt) throw error;
        await sleep(RECONNECT_PAUSE_MS);
      }
    }
  }
}

/** Everything but an auth refusal and a lost connection is this task's own outcome. */
function failedOutcome(line: number, taskId: string | null, error: unknown): Outcome {
  if (error instanceof SwitchyardError)
    return {
      line,
      status: 'failed',
      taskId: typeof error.details.taskId === 'string' ? error.details.taskId : taskId,
      code: error.code,
      message: error.message,
    };
  return {
    line,
    status: 'failed',
    taskId,
    code: 'CLIENT_ERROR',
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * One task of the batch, resumed across lost connections: its id is chosen here (when the line
 * names none), so a create retried after a lost connection cannot make a second task, and an
 * execute retried waits for the same one. A task the orchestrator no longer knows after a
 * reconnect (it restarted without a journal) is created again.
 */
async function runOne(connection: BatchConnection, item: NumberedRequest, timeoutMs: number): Promise<Outcome> {
  const taskId = item.request.id ?? globalThis.crypto.randomUUID();
  const started = performance.now();
  let created = false;
  let resumes = 0;
  for (;;) {
    const client = await connection.client();
    try {
      if (!created) {
        await client.createTask({ ...item.request, id: taskId }).catch((error: unknown) => {
          // Our own create, sent again after its answer was lost.
          if (!(resumes > 0 && error instanceof SwitchyardError && error.code === 'TASK_ALREADY_EXISTS')) throw error;
        });
        created = true;
      }
      const result = await client.executeTask(taskId, timeoutMs);
      return {
        line: item.line,
        status: 'completed',
        taskId: result.taskId,
        agentId: result.agentId,
        latencyMs: performance.now() - started,
        result: result.result,
      };
    } catch (error) {
      const lost = error instanceof OrchestratorUnreachableError;
      if (isFatal(error) || (lost && resumes >= RESUMES_PER_TASK)) throw error;
      if (lost) {
        resumes++;
        await connection.replace(client);
        continue;
      }
      if (
        resumes > 0 &&
        error instanceof SwitchyardError &&
        error.code === 'TASK_NOT_FOUND' &&
        resumes < RESUMES_PER_TASK
      ) {
        resumes++;
        created = false;
        continue;
      }
      return failedOutcome(item.line, created ? taskId : (item.request.id ?? null), error);
    }
  }
}

/**
 * Runs every request, `concurrency` at a time, reporting each outcome as it comes. A batch that
 * must stop (the token refused, the orchestrator gone for good) still returns what it has, with
 * `stoppedBy` saying why; tasks it did not get to are not in the outcomes.
 */
async function runBatch(
  connection: BatchConnection,
  batch: readonly NumberedRequest[],
  concurrency: number,
  timeoutMs: number,
  onOutcome: () => void,
): Promise<{ outcomes: Outcome[]; stoppedBy?: Error }> {
  const outcomes: Outcome[] = [];
  let next = 0;
  let stoppedBy: Error | undefined;
  const worker = async (): Promise<void> => {
    for (let item = batch[next++]; item !== undefined && stoppedBy === undefined; item = batch[next++]) {
      try {
        outcomes.push(await runOne(connection, item, timeoutMs));
      } catch (error) {
        stoppedBy ??= error instanceof Error ? error : new Error(String(error));
        outcomes.push(failedOutcome(item.line, item.request.id ?? null, error));
      }
      onOutcome();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
  outcomes.sort((a, b) => a.line - b.line);
  return stoppedBy === undefined ? { outcomes } : { outcomes, stoppedBy };
}

function summarize(outcomes: readonly Outcome[], elapsedMs: number) {
  const completed = outcomes.filter((outcome) => outcome.status === 'completed');
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  const failures: Record<string, number> = {};
  for (const failure of failed) failures[failure.code] = (failures[failure.code] ?? 0) + 1;
  const perAgent: Record<string, number> = {};
  for (const done of completed) perAgent[done.agentId] = (perAgent[done.agentId] ?? 0) + 1;
  const latency = summarizeLatencies(completed.map((outcome) => outcome.latencyMs));
  return {
    total: outcomes.length,
    completed: completed.length,
    failed: failed.length,
    elapsedMs: Math.round(elapsedMs),
    latencyMs: { p50: latency.p50, p99: latency.p99 },
    failures,
    perAgent,
  };
}

function printSummary(io: CommandIo, outcomes: readonly Outcome[], summary: ReturnType<typeof summarize>): void {
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  out(
    `${String(summary.total)} task(s) in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${String(summary.completed)} completed, ${String(summary.failed)} failed`,
  );
  if (summary.completed > 0)
    out(
      `latency: p50 ${summary.latencyMs.p50.toFixed(1)} ms · p99 ${summary.latencyMs.p99.toFixed(1)} ms (submitted to outcome)`,
    );
  if (summary.failed > 0) {
    out(
      `failures: ${Object.entries(summary.failures)
        .map(([code, count]) => `${code} ×${String(count)}`)
        .join(', ')}`,
    );
    for (const failure of outcomes.filter((outcome) => outcome.status === 'failed').slice(0, LISTED_FAILURES)) {
      out(
        `  line ${String(failure.line)}${failure.taskId === null ? '' : ` (task ${failure.taskId})`}: ${failure.code}: ${failure.message}`,
      );
    }
    if (summary.failed > LISTED_FAILURES)
      out(`  … and ${String(summary.failed - LISTED_FAILURES)} more (--json lists all)`);
  }
  const agents = Object.entries(summary.perAgent).sort(([a], [b]) => a.localeCompare(b));
  if (agents.length > 0)
    out(
      renderTable(
        ['agent', 'completed'],
        agents.map(([agent, count]) => [agent, String(count)]),
      ),
    );
}

/**
 * `switchyard submit`: one task from the flags (prints its result), or a JSONL batch from
 * `--file` (`-` for stdin) with a progress bar and a summary. Every line is checked before any
 * task is sent. Exit 0 when every task completed, 1 when any failed.
 */
export async function runSubmit(options: SubmitOptions, io: CommandIo): Promise<number> {
  const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (options.file !== undefined) {
    const single = (
      [
        'id',
        'type',
        'capabilities',
        'data',
        'priority',
        'strategy',
        'maxAttempts',
        'attemptTimeout',
        'queueTimeout',
        'weight',
      ] as const
    ).filter((flag) => options[flag] !== undefined);
    if (single.length > 0)
      throw ValidationError.field(
        'file',
        `--file takes the tasks (and their limits) from the file; drop ${single.join(', ')}`,
        'arguments',
      );
    const batch = parseSubmitBatch(await readBatch(options.file, io));
    const { config } = await loadConfig(options.config, io.env);
    const target = resolveClientTarget(options, io.env, config);
    const connection = new BatchConnection(await OrchestratorClient.connect(target), () =>
      OrchestratorClient.connect(target),
    );
    try {
      const bar = new ProgressBar(batch.length, 'submit', io.stderr);
      let done = 0;
      const started = performance.now();
      const { outcomes, stoppedBy } = await runBatch(
        connection,
        batch,
        options.concurrency ?? DEFAULT_CONCURRENCY,
        timeoutMs,
        () => {
          bar.update(++done);
        },
      );
      bar.finish();
      const summary = summarize(outcomes, performance.now() - started);
      // Printed even when the batch had to stop: what was created is reported, failed or not.
      if (options.json === true) io.stdout.write(`${JSON.stringify({ ...summary, tasks: outcomes }, null, 2)}\n`);
      else printSummary(io, outcomes, summary);
      if (stoppedBy !== undefined) throw stoppedBy;
      return summary.failed === 0 ? EXIT.ok : EXIT.failed;
    } finally {
      await connection.close();
    }
  }
  const request: SubmitRequest = parseInput(
    SubmitRequestSchema,
    Object.fromEntries(
      Object.entries({
        id: options.id,
        type: options.type,
        capabilities: options.capabilities,
        data: parseData(options.data),
        priority: options.priority,
        strategy: options.strategy,
        maxAttempts: options.maxAttempts,
        attemptTimeoutMs: options.attemptTimeout,
        queueTimeoutMs: options.queueTimeout,
        weight: options.weight,
      }).filter(([, value]) => value !== undefined),
    ),
    'task (flags)',
  );
  return withOrchestratorClient(options, io.env, async (client) => {
    // Progress goes to stderr, a line per report: stdout keeps the result alone (and --json parseable).
    const result = await client.runTask(request, timeoutMs, (taskId, progress) => {
      io.stderr.write(`${progressLine(taskId, progress)}\n`);
    });
    if (options.json === true) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else
      io.stdout.write(
        `task ${result.taskId} completed by ${result.agentId} in ${String(result.durationMs)} ms (attempt ${String(result.attempt)})\n${JSON.stringify(result.result, null, 2)}\n`,
      );
    return EXIT.ok;
  });
}

/** `task <id>: 50% <message>` (or the report's number, when the agent gave no fraction). */
function progressLine(taskId: string, progress: RemoteProgress): string {
  const howFar =
    progress.total === undefined
      ? `report ${String(Math.round(progress.progress))}`
      : `${String(Math.round((progress.progress / progress.total) * 100))}%`;
  return `task ${taskId}: ${howFar}${progress.message === undefined ? '' : ` ${progress.message}`}`;
}

async function readBatch(file: string, io: CommandIo): Promise<string> {
  if (file === '-') {
    let text = '';
    for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    return text;
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw ValidationError.field(
      'file',
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
      'arguments',
    );
  }
}
