import { readFile } from 'node:fs/promises';
import { AuthenticationError, AuthorizationError, parseInput, SwitchyardError, ValidationError } from '@switchyard/core';
import { EXIT } from '../cli/exit-codes.js';
import type { OrchestratorClient } from '../client/orchestrator-client.js';
import { OrchestratorUnreachableError } from '../client/orchestrator-unreachable-error.js';
import type { ClientCommandOptions } from '../client/with-orchestrator-client.js';
import { withOrchestratorClient } from '../client/with-orchestrator-client.js';
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
  readonly concurrency?: number;
  /** ms to wait for each task. */
  readonly timeout?: number;
}

type Outcome =
  | { readonly line: number; readonly status: 'completed'; readonly taskId: string; readonly agentId: string; readonly latencyMs: number; readonly result: unknown }
  | { readonly line: number; readonly status: 'failed'; readonly taskId: string | null; readonly code: string; readonly message: string };

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
  return error instanceof OrchestratorUnreachableError || error instanceof AuthenticationError || error instanceof AuthorizationError;
}

/** Runs every request, `concurrency` at a time, reporting each outcome as it comes. */
async function runBatch(client: OrchestratorClient, batch: readonly NumberedRequest[], concurrency: number, timeoutMs: number, onOutcome: () => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let item = batch[next++]; item !== undefined; item = batch[next++]) {
      const started = performance.now();
      try {
        const result = await client.runTask(item.request, timeoutMs);
        outcomes.push({ line: item.line, status: 'completed', taskId: result.taskId, agentId: result.agentId, latencyMs: performance.now() - started, result: result.result });
      } catch (error) {
        if (isFatal(error) || !(error instanceof SwitchyardError)) throw error;
        const taskId = typeof error.details.taskId === 'string' ? error.details.taskId : (item.request.id ?? null);
        outcomes.push({ line: item.line, status: 'failed', taskId, code: error.code, message: error.message });
      }
      onOutcome();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
  return outcomes.sort((a, b) => a.line - b.line);
}

function summarize(outcomes: readonly Outcome[], elapsedMs: number) {
  const completed = outcomes.filter((outcome) => outcome.status === 'completed');
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  const failures: Record<string, number> = {};
  for (const failure of failed) failures[failure.code] = (failures[failure.code] ?? 0) + 1;
  const perAgent: Record<string, number> = {};
  for (const done of completed) perAgent[done.agentId] = (perAgent[done.agentId] ?? 0) + 1;
  const latency = summarizeLatencies(completed.map((outcome) => outcome.latencyMs));
  return { total: outcomes.length, completed: completed.length, failed: failed.length, elapsedMs: Math.round(elapsedMs), latencyMs: { p50: latency.p50, p99: latency.p99 }, failures, perAgent };
}

function printSummary(io: CommandIo, outcomes: readonly Outcome[], summary: ReturnType<typeof summarize>): void {
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  out(`${String(summary.total)} task(s) in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${String(summary.completed)} completed, ${String(summary.failed)} failed`);
  if (summary.completed > 0) out(`latency: p50 ${summary.latencyMs.p50.toFixed(1)} ms · p99 ${summary.latencyMs.p99.toFixed(1)} ms (submitted to outcome)`);
  if (summary.failed > 0) {
    out(`failures: ${Object.entries(summary.failures).map(([code, count]) => `${code} ×${String(count)}`).join(', ')}`);
    for (const failure of outcomes.filter((outcome) => outcome.status === 'failed').slice(0, LISTED_FAILURES)) {
      out(`  line ${String(failure.line)}${failure.taskId === null ? '' : ` (task ${failure.taskId})`}: ${failure.code}: ${failure.message}`);
    }
    if (summary.failed > LISTED_FAILURES) out(`  … and ${String(summary.failed - LISTED_FAILURES)} more (--json lists all)`);
  }
  const agents = Object.entries(summary.perAgent).sort(([a], [b]) => a.localeCompare(b));
  if (agents.length > 0) out(renderTable(['agent', 'completed'], agents.map(([agent, count]) => [agent, String(count)])));
}

/**
 * `switchyard submit`: one task from the flags (prints its result), or a JSONL batch from
 * `--file` (`-` for stdin) with a progress bar and a summary. Every line is checked before any
 * task is sent. Exit 0 when every task completed, 1 when any failed.
 */
export async function runSubmit(options: SubmitOptions, io: CommandIo): Promise<number> {
  const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (options.file !== undefined) {
    const single = (['id', 'type', 'capabilities', 'data', 'priority', 'strategy', 'maxAttempts', 'attemptTimeout', 'queueTimeout'] as const).filter((flag) => options[flag] !== undefined);
    if (single.length > 0) throw ValidationError.field('file', `--file takes the tasks (and their limits) from the file; drop ${single.join(', ')}`, 'arguments');
    const batch = parseSubmitBatch(await readBatch(options.file, io));
    return withOrchestratorClient(options, io.env, async (client) => {
      const bar = new ProgressBar(batch.length, 'submit', io.stderr);
      let done = 0;
      const started = performance.now();
      const outcomes = await runBatch(client, batch, options.concurrency ?? DEFAULT_CONCURRENCY, timeoutMs, () => {
        bar.update(++done);
      });
      bar.finish();
      const summary = summarize(outcomes, performance.now() - started);
      if (options.json === true) io.stdout.write(`${JSON.stringify({ ...summary, tasks: outcomes }, null, 2)}\n`);
      else printSummary(io, outcomes, summary);
      return summary.failed === 0 ? EXIT.ok : EXIT.failed;
    });
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
      }).filter(([, value]) => value !== undefined),
    ),
    'task (flags)',
  );
  return withOrchestratorClient(options, io.env, async (client) => {
    const result = await client.runTask(request, timeoutMs);
    if (options.json === true) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout.write(`task ${result.taskId} completed by ${result.agentId} in ${String(result.durationMs)} ms (attempt ${String(result.attempt)})\n${JSON.stringify(result.result, null, 2)}\n`);
    return EXIT.ok;
  });
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
    throw ValidationError.field('file', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, 'arguments');
  }
}
