import type { MessagePriority } from '@switchyard/core';
import type { ChaosPlan } from '../plan/chaos-plan.js';
import { duplicateEvidence } from './duplicate-evidence.js';
import type { AgentKill } from './measure-recovery.js';
import { measureRecovery } from './measure-recovery.js';
import { percentile } from './percentile.js';
import type { TaskLedger } from './task-ledger.js';
import { isFinal } from './task-ledger.js';
import type { TaskSnapshot } from './task-snapshot.js';

/** What the agents' handler wrote down: every run of a task, including runs whose answer never counted. */
export interface ExecutionCounts {
  readonly total: number;
  readonly tasksRunMoreThanOnce: number;
  readonly mostRunsOfOneTask: number;
}

export interface SubmissionErrorCount {
  readonly count: number;
  readonly example: string;
}

export interface SubmissionStats {
  /** Task ids an orchestrator took (answered queued/assigned, or TASK_ALREADY_EXISTS on a resubmission). */
  readonly accepted: ReadonlySet<string>;
  /** Accepted only as TASK_ALREADY_EXISTS: an earlier call had landed, though its caller never heard. */
  readonly alreadyExisted: number;
  /** Calls repeated after an error, on the other orchestrator. */
  readonly retries: number;
  /** Errors met on the way, by code: how many, and the first one's message. */
  readonly errors: Readonly<Record<string, SubmissionErrorCount>>;
}

export interface ObserverStats {
  /** KV revisions read. */
  readonly revisions: number;
  /** Revisions replaced or removed before the watch read them (gaps in the stream sequence). */
  readonly unobservedRevisions: number;
  /** Times the watch was opened again (it ended, or fell behind the stream). */
  readonly watchRestarts: number;
  /** Values that were not a task snapshot. */
  readonly malformedValues: number;
}

/** A fleet process that exited when nobody had asked it to. */
export interface ProcessIncident {
  readonly process: string;
  readonly atMs: number;
  readonly code: number | null;
  readonly signal: string | null;
  readonly lastLines: readonly string[];
}

export interface ChaosRunFacts {
  readonly seed: number;
  readonly plan: ChaosPlan;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly ledger: TaskLedger;
  readonly submission: SubmissionStats;
  readonly observer: ObserverStats;
  readonly kills: readonly AgentKill[];
  readonly orchestratorRestarts: number;
  readonly natsRestarts: number;
  readonly executions: ExecutionCounts;
  readonly incidents: readonly ProcessIncident[];
  readonly goalMaxRecoveryMs: number;
}

interface PriorityLine {
  readonly completed: number;
  readonly p99LatencyMs: number | null;
}

export interface ChaosReport {
  readonly completed: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly deadLettered: number;
  /** Longest agent death → last in-flight task handed over again or finished; null when one never was. */
  readonly maxRecoveryMs: number | null;
  /** finishedAt − createdAt of completed tasks. */
  readonly p99LatencyMs: number | null;
  readonly details: {
    readonly goals: { readonly met: boolean; readonly misses: readonly string[] };
    readonly seed: number;
    /** When the run started (ISO): the times in the report (`atMs`) count from here, the processes' logs use the clock. */
    readonly startedAt: string;
    readonly tasks: number;
    readonly accepted: number;
    readonly notAccepted: number;
    readonly failed: number;
    readonly durationMs: number;
    readonly latencyMs: { readonly p50: number | null; readonly p99: number | null; readonly max: number | null };
    readonly byPriority: Readonly<Record<MessagePriority, PriorityLine>>;
    readonly chaos: { readonly agentKills: number; readonly orchestratorRestarts: number; readonly natsRestarts: number };
    readonly recoveries: readonly { readonly agentId: string; readonly atMs: number; readonly inFlight: number; readonly recoveryMs: number | null; readonly slowestTaskId: string | null }[];
    readonly executions: ExecutionCounts;
    readonly submission: { readonly alreadyExisted: number; readonly retries: number; readonly errors: Readonly<Record<string, SubmissionErrorCount>> };
    readonly observer: ObserverStats & { readonly unknownTasks: number };
    readonly incidents: readonly ProcessIncident[];
    readonly lostTasks: readonly { readonly id: string; readonly status: string; readonly attempts: number; readonly assignedAgentId: string | null }[];
    readonly duplicatedTasks: readonly { readonly id: string; readonly why: string }[];
  };
}

/** Examples listed per kind of problem; the counts are complete. */
const EXAMPLES = 20;

function latencyOf(task: TaskSnapshot): number | null {
  return task.finishedAt === null ? null : task.finishedAt - task.createdAt;
}

/**
 * Judges the run from the KV truth. Of the planned tasks: completed / failed / deadLettered by
 * final status; lost = accepted by an orchestrator (or seen in the bucket) but not final at the
 * end; duplicated = see duplicateEvidence. Goals: nothing lost or duplicated, every task
 * completed, and every agent death recovered within goalMaxRecoveryMs.
 */
export function buildChaosReport(facts: ChaosRunFacts): ChaosReport {
  const { ledger, plan } = facts;
  const planned = new Set(plan.tasks.map((task) => task.id));
  const counts = { completed: 0, failed: 0, deadLettered: 0 };
  const latencies: number[] = [];
  const byPriority: Record<MessagePriority, number[]> = { low: [], normal: [], high: [], critical: [] };
  const lostTasks: ChaosReport['details']['lostTasks'][number][] = [];
  const duplicatedTasks: { id: string; why: string }[] = [];
  let notAccepted = 0;
  for (const { id, priority } of plan.tasks) {
    const track = ledger.get(id);
    const latest = track?.latest;
    if (track === undefined && !facts.submission.accepted.has(id)) {
      notAccepted++;
      continue;
    }
    if (track !== undefined) {
      const why = duplicateEvidence(track);
      if (why !== undefined) duplicatedTasks.push({ id, why });
    }
    if (latest === undefined || !isFinal(latest)) {
      lostTasks.push({ id, status: latest?.status ?? (track === undefined ? 'never written' : 'deleted'), attempts: latest?.attempts ?? 0, assignedAgentId: latest?.assignedAgentId ?? null });
      continue;
    }
    if (latest.status === 'completed') {
      counts.completed++;
      const latency = latencyOf(latest);
      if (latency !== null) {
        latencies.push(latency);
        byPriority[priority].push(latency);
      }
    } else if (latest.status === 'failed') counts.failed++;
    else counts.deadLettered++;
  }
  let unknownTasks = 0;
  for (const track of ledger.all()) if (!planned.has(track.id)) unknownTasks++;

  const snapshots = [...ledger.all()].flatMap((track) => (track.latest === undefined ? [] : [track.latest]));
  const recoveries = facts.kills.map((kill) => measureRecovery(kill, snapshots));
  const maxRecoveryMs = recoveries.some((recovery) => recovery.recoveryMs === null) ? null : Math.max(0, ...recoveries.map((recovery) => recovery.recoveryMs ?? 0));

  const misses = [
    ...(lostTasks.length > 0 ? [`${String(lostTasks.length)} task(s) lost`] : []),
    ...(duplicatedTasks.length > 0 ? [`${String(duplicatedTasks.length)} task(s) duplicated`] : []),
    ...(counts.completed !== plan.tasks.length ? [`${String(counts.completed)} of ${String(plan.tasks.length)} tasks completed`] : []),
    ...(maxRecoveryMs === null ? ['an agent death was never recovered from'] : maxRecoveryMs > facts.goalMaxRecoveryMs ? [`recovery took ${String(maxRecoveryMs)} ms (goal ≤ ${String(facts.goalMaxRecoveryMs)} ms)`] : []),
  ];
  const line = (values: number[]): PriorityLine => ({ completed: values.length, p99LatencyMs: percentile(values, 99) });
  return {
    completed: counts.completed,
    lost: lostTasks.length,
    duplicated: duplicatedTasks.length,
    deadLettered: counts.deadLettered,
    maxRecoveryMs,
    p99LatencyMs: percentile(latencies, 99),
    details: {
      goals: { met: misses.length === 0, misses },
      seed: facts.seed,
      startedAt: new Date(facts.startedAt).toISOString(),
      tasks: plan.tasks.length,
      accepted: facts.submission.accepted.size,
      notAccepted,
      failed: counts.failed,
      durationMs: facts.durationMs,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
      byPriority: { critical: line(byPriority.critical), high: line(byPriority.high), normal: line(byPriority.normal), low: line(byPriority.low) },
      chaos: { agentKills: facts.kills.length, orchestratorRestarts: facts.orchestratorRestarts, natsRestarts: facts.natsRestarts },
      recoveries: recoveries.map((recovery) => ({ agentId: recovery.agentId, atMs: recovery.killedAt - facts.startedAt, inFlight: recovery.inFlight, recoveryMs: recovery.recoveryMs, slowestTaskId: recovery.slowestTaskId })),
      executions: facts.executions,
      submission: { alreadyExisted: facts.submission.alreadyExisted, retries: facts.submission.retries, errors: facts.submission.errors },
      observer: { ...facts.observer, unknownTasks },
      incidents: facts.incidents,
      lostTasks: lostTasks.slice(0, EXAMPLES),
      duplicatedTasks: duplicatedTasks.slice(0, EXAMPLES),
    },
  };
}
