import type { MessagePriority } from '@switchyard/core';
import type { ChaosPlan, PlannedTaskKind } from '../plan/chaos-plan.js';
import type { TaskExecutions } from '../run/read-executions.js';
import { duplicateEvidence, finalRewriteEvidence, journalCompletions } from './duplicate-evidence.js';
import type { AgentKill, OrchestratorLoss } from './measure-recovery.js';
import { measureOrchestratorRecovery, measureRecovery } from './measure-recovery.js';
import { percentile } from './percentile.js';
import type { TaskLedger } from './task-ledger.js';
import { isFinal } from './task-ledger.js';
import type { TaskSnapshot } from './task-snapshot.js';

/** What the agents' handler wrote down: every run of a task, including runs whose answer never counted. */
export interface ExecutionCounts {
  /** Handler runs started. */
  readonly total: number;
  /** Runs that started and neither answered nor ended by cancellation: their agent was killed, or the handler hangs. */
  readonly neverReturned: number;
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
  readonly orchestratorLosses: readonly OrchestratorLoss[];
  readonly natsKills: number;
  readonly nats: NatsSetup;
  readonly executions: ExecutionCounts;
  /** Per task id, what the handler wrote down. */
  readonly executionsPerTask: ReadonlyMap<string, TaskExecutions>;
  readonly incidents: readonly ProcessIncident[];
  /** Agent death → its in-flight work handed on. */
  readonly goalMaxRecoveryMs: number;
  /** Orchestrator death → its in-flight work moving again (ackWaitMs + 2 s). */
  readonly goalMaxOrchestratorRecoveryMs: number;
}

/** The NATS the run used. */
export interface NatsSetup {
  readonly version: string;
  readonly nodes: number;
  readonly replicas: number;
}

/** One task's counts, for the tasks that were not run, completed and written exactly as expected. */
export interface TaskCounts {
  readonly id: string;
  readonly kind: PlannedTaskKind;
  readonly status: string;
  readonly executionsStarted: number;
  readonly journalCompletions: number;
  readonly finalRewrites: number;
}

interface PriorityLine {
  readonly completed: number;
  readonly p99LatencyMs: number | null;
}

export interface ChaosReport {
  readonly completed: number;
  /** Accepted (or seen in the bucket) and gone at the end: never written, or deleted. */
  readonly lost: number;
  /** Completed more than once in the journal. */
  readonly duplicated: number;
  /** In the bucket but not in a final state at the end. */
  readonly stuck: number;
  /** Tasks whose final state was later overwritten by another state. */
  readonly finalRewrites: number;
  readonly deadLettered: number;
  /** Per kind of loss, the longest death → last in-flight task moving again; null when one never was (or none happened). */
  readonly maxRecoveryMs: { readonly agentLoss: number | null; readonly orchestratorLoss: number | null };
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
    readonly nats: NatsSetup;
    /**
     * Per kind of task. `extraAttempts`: attempts beyond the first, summed; `endedAttempts`: how the
     * attempts that did not complete ended, by outcome and error code (refusals and timeouts show here).
     */
    readonly byKind: Readonly<
      Record<
        PlannedTaskKind,
        {
          readonly planned: number;
          readonly completed: number;
          readonly extraAttempts: number;
          readonly endedAttempts: Readonly<Record<string, number>>;
          readonly p99LatencyMs: number | null;
        }
      >
    >;
    readonly chaos: {
      readonly agentKills: number;
      readonly orchestratorKills: number;
      readonly crashesBeforeSend: number;
      readonly natsKills: number;
    };
    readonly recoveries: readonly {
      readonly agentId: string;
      readonly atMs: number;
      readonly inFlight: number;
      readonly recoveryMs: number | null;
      readonly slowestTaskId: string | null;
    }[];
    readonly orchestratorRecoveries: readonly {
      readonly orchestratorId: string;
      readonly how: OrchestratorLoss['how'];
      readonly atMs: number;
      readonly inFlight: number;
      readonly recoveryMs: number | null;
      readonly slowestTaskId: string | null;
    }[];
    readonly executions: ExecutionCounts;
    readonly submission: {
      readonly alreadyExisted: number;
      readonly retries: number;
      readonly errors: Readonly<Record<string, SubmissionErrorCount>>;
    };
    readonly observer: ObserverStats & { readonly unknownTasks: number };
    readonly incidents: readonly ProcessIncident[];
    readonly lostTasks: readonly TaskProblem[];
    readonly stuckTasks: readonly TaskProblem[];
    readonly duplicatedTasks: readonly { readonly id: string; readonly why: string }[];
    readonly finalRewriteTasks: readonly { readonly id: string; readonly why: string }[];
    /** Tasks not started once, completed once and never rewritten (how many, and the first of them). */
    readonly unusualTasks: { readonly count: number; readonly first: readonly TaskCounts[] };
  };
}

interface TaskProblem {
  readonly id: string;
  readonly kind: PlannedTaskKind;
  readonly status: string;
  readonly attempts: number;
  readonly assignedAgentId: string | null;
}

/** Examples listed per kind of problem; the counts are complete. */
const EXAMPLES = 20;
const UNUSUAL_EXAMPLES = 200;
const KINDS: readonly PlannedTaskKind[] = ['plain', 'narrow', 'hang_until_aborted', 'hang_forever'];

function latencyOf(task: TaskSnapshot): number | null {
  return task.finishedAt === null ? null : task.finishedAt - task.createdAt;
}

/**
 * Judges the run from the KV truth. Of the planned tasks: completed / failed / deadLettered by
 * final status; lost = accepted by an orchestrator (or seen in the bucket) and gone at the end;
 * stuck = in the bucket, not final at the end; duplicated = completed more than once in the
 * journal; finalRewrites = a final state overwritten. Goals: none lost, stuck, duplicated or
 * rewritten, every task completed, every agent death recovered within goalMaxRecoveryMs and
 * every orchestrator death within goalMaxOrchestratorRecoveryMs.
 */
export function buildChaosReport(facts: ChaosRunFacts): ChaosReport {
  const { ledger, plan } = facts;
  const planned = new Set(plan.tasks.map((task) => task.id));
  const kindOf = new Map(plan.tasks.map((task) => [task.id, task.kind]));
  const counts = { completed: 0, failed: 0, deadLettered: 0 };
  const latencies: number[] = [];
  const byPriority: Record<MessagePriority, number[]> = { low: [], normal: [], high: [], critical: [] };
  const byKind = Object.fromEntries(
    KINDS.map((kind) => [kind, { planned: 0, extraAttempts: 0, endedAttempts: {}, latencies: [] as number[] }]),
  ) as Record<
    PlannedTaskKind,
    { planned: number; extraAttempts: number; endedAttempts: Record<string, number>; latencies: number[] }
  >;
  const lostTasks: TaskProblem[] = [];
  const stuckTasks: TaskProblem[] = [];
  const duplicatedTasks: { id: string; why: string }[] = [];
  const finalRewriteTasks: { id: string; why: string }[] = [];
  const unusual: TaskCounts[] = [];
  let notAccepted = 0;
  for (const { id, priority, kind } of plan.tasks) {
    byKind[kind].planned++;
    const track = ledger.get(id);
    const latest = track?.latest;
    if (track === undefined && !facts.submission.accepted.has(id)) {
      notAccepted++;
      continue;
    }
    const started = facts.executionsPerTask.get(id)?.started ?? 0;
    const completions = track === undefined ? 0 : journalCompletions(track);
    const rewrites = track?.finalRewrites ?? 0;
    const status = latest?.status ?? (track === undefined ? 'never written' : 'deleted');
    if (started !== 1 || completions !== 1 || rewrites > 0)
      unusual.push({
        id,
        kind,
        status,
        executionsStarted: started,
        journalCompletions: completions,
        finalRewrites: rewrites,
      });
    if (track !== undefined) {
      const duplicate = duplicateEvidence(track);
      if (duplicate !== undefined) duplicatedTasks.push({ id, why: duplicate });
      const rewrite = finalRewriteEvidence(track);
      if (rewrite !== undefined) finalRewriteTasks.push({ id, why: rewrite });
    }
    const problem = {
      id,
      kind,
      status,
      attempts: latest?.attempts ?? 0,
      assignedAgentId: latest?.assignedAgentId ?? null,
    };
    byKind[kind].extraAttempts += Math.max(0, (latest?.attempts ?? 0) - 1);
    for (const attempt of latest?.history ?? []) {
      if (attempt.outcome === 'completed') continue;
      const code = attempt.error?.code;
      const key = code === undefined ? attempt.outcome : `${attempt.outcome} ${code}`;
      byKind[kind].endedAttempts[key] = (byKind[kind].endedAttempts[key] ?? 0) + 1;
    }
    if (latest === undefined) {
      lostTasks.push(problem);
      continue;
    }
    if (!isFinal(latest)) {
      stuckTasks.push(problem);
      continue;
    }
    if (latest.status === 'completed') {
      counts.completed++;
      const latency = latencyOf(latest);
      if (latency !== null) {
        latencies.push(latency);
        byPriority[priority].push(latency);
        byKind[kind].latencies.push(latency);
      }
    } else if (latest.status === 'failed') counts.failed++;
    else counts.deadLettered++;
  }
  let unknownTasks = 0;
  for (const track of ledger.all()) if (!planned.has(track.id)) unknownTasks++;

  const snapshots = [...ledger.all()].flatMap((track) => (track.latest === undefined ? [] : [track.latest]));
  // A hung first attempt ends only at its attempt timeout, whoever owns it: it says nothing about failover.
  const failoverTracks = [...ledger.all()].filter((track) => {
    const kind = kindOf.get(track.id);
    return kind === 'plain' || kind === 'narrow';
  });
  const recoveries = facts.kills.map((kill) => measureRecovery(kill, snapshots));
  const orchestratorRecoveries = facts.orchestratorLosses.map((loss) =>
    measureOrchestratorRecovery(loss, failoverTracks),
  );
  const longest = (values: readonly { recoveryMs: number | null }[]): number | null =>
    values.length === 0 || values.some((value) => value.recoveryMs === null)
      ? null
      : Math.max(0, ...values.map((value) => value.recoveryMs ?? 0));
  const agentLoss = longest(recoveries);
  const orchestratorLoss = longest(orchestratorRecoveries);

  const recoveryMisses = (name: string, happened: number, value: number | null, goal: number): string[] => {
    if (happened === 0) return [];
    if (value === null) return [`an ${name} death was never recovered from`];
    return value > goal ? [`${name} loss recovery took ${String(value)} ms (goal ≤ ${String(goal)} ms)`] : [];
  };
  const misses = [
    ...(lostTasks.length > 0 ? [`${String(lostTasks.length)} task(s) lost`] : []),
    ...(stuckTasks.length > 0 ? [`${String(stuckTasks.length)} task(s) stuck`] : []),
    ...(duplicatedTasks.length > 0 ? [`${String(duplicatedTasks.length)} task(s) duplicated`] : []),
    ...(finalRewriteTasks.length > 0
      ? [`${String(finalRewriteTasks.length)} task(s) with a final state rewritten`]
      : []),
    ...(counts.completed !== plan.tasks.length
      ? [`${String(counts.completed)} of ${String(plan.tasks.length)} tasks completed`]
      : []),
    ...recoveryMisses('agent', recoveries.length, agentLoss, facts.goalMaxRecoveryMs),
    ...recoveryMisses(
      'orchestrator',
      orchestratorRecoveries.length,
      orchestratorLoss,
      facts.goalMaxOrchestratorRecoveryMs,
    ),
  ];
  const line = (values: number[]): PriorityLine => ({ completed: values.length, p99LatencyMs: percentile(values, 99) });
  return {
    completed: counts.completed,
    lost: lostTasks.length,
    duplicated: duplicatedTasks.length,
    stuck: stuckTasks.length,
    finalRewrites: finalRewriteTasks.length,
    deadLettered: counts.deadLettered,
    maxRecoveryMs: { agentLoss, orchestratorLoss },
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
      nats: facts.nats,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
      byPriority: {
        critical: line(byPriority.critical),
        high: line(byPriority.high),
        normal: line(byPriority.normal),
        low: line(byPriority.low),
      },
      byKind: Object.fromEntries(
        KINDS.map((kind) => [
          kind,
          {
            planned: byKind[kind].planned,
            completed: byKind[kind].latencies.length,
            extraAttempts: byKind[kind].extraAttempts,
            endedAttempts: byKind[kind].endedAttempts,
            p99LatencyMs: percentile(byKind[kind].latencies, 99),
          },
        ]),
      ) as ChaosReport['details']['byKind'],
      chaos: {
        agentKills: facts.kills.length,
        orchestratorKills: facts.orchestratorLosses.filter((loss) => loss.how === 'sigkill').length,
        crashesBeforeSend: facts.orchestratorLosses.filter((loss) => loss.how === 'crash_before_send').length,
        natsKills: facts.natsKills,
      },
      recoveries: recoveries.map((recovery) => ({
        agentId: recovery.agentId,
        atMs: recovery.killedAt - facts.startedAt,
        inFlight: recovery.inFlight,
        recoveryMs: recovery.recoveryMs,
        slowestTaskId: recovery.slowestTaskId,
      })),
      orchestratorRecoveries: orchestratorRecoveries.map((recovery) => ({
        orchestratorId: recovery.orchestratorId,
        how: recovery.how,
        atMs: recovery.killedAt - facts.startedAt,
        inFlight: recovery.inFlight,
        recoveryMs: recovery.recoveryMs,
        slowestTaskId: recovery.slowestTaskId,
      })),
      executions: facts.executions,
      submission: {
        alreadyExisted: facts.submission.alreadyExisted,
        retries: facts.submission.retries,
        errors: facts.submission.errors,
      },
      observer: { ...facts.observer, unknownTasks },
      incidents: facts.incidents,
      lostTasks: lostTasks.slice(0, EXAMPLES),
      stuckTasks: stuckTasks.slice(0, EXAMPLES),
      duplicatedTasks: duplicatedTasks.slice(0, EXAMPLES),
      finalRewriteTasks: finalRewriteTasks.slice(0, EXAMPLES),
      unusualTasks: { count: unusual.length, first: unusual.slice(0, UNUSUAL_EXAMPLES) },
    },
  };
}
