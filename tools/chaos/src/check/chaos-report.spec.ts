import { describe, expect, it } from 'vitest';
import type { ChaosPlan } from '../plan/chaos-plan.js';
import type { ChaosRunFacts } from './chaos-report.js';
import { buildChaosReport } from './chaos-report.js';
import { TaskLedger } from './task-ledger.js';
import type { TaskSnapshot } from './task-snapshot.js';
import { attempt, snapshot } from './task-snapshot.test-helpers.js';

const plan: ChaosPlan = {
  tasks: ['t1', 't2', 't3', 't4', 't5', 't6'].map((id) => ({ id, priority: 'high' as const, kind: 'plain' as const })),
  events: [],
};

function facts(
  revisions: readonly TaskSnapshot[],
  accepted: readonly string[],
  overrides: Partial<ChaosRunFacts> = {},
): ChaosRunFacts {
  const ledger = new TaskLedger();
  revisions.forEach((task, index) => ledger.observe(index + 1, { kind: 'put', task }));
  return {
    seed: 1,
    plan,
    startedAt: 0,
    durationMs: 5_000,
    ledger,
    submission: { accepted: new Set(accepted), alreadyExisted: 0, retries: 0, errors: {} },
    observer: { revisions: revisions.length, unobservedRevisions: 0, watchRestarts: 0, malformedValues: 0 },
    kills: [],
    orchestratorLosses: [],
    natsKills: 1,
    nats: { version: '2.15.3', nodes: 3, replicas: 3 },
    executions: { total: 0, neverReturned: 0, tasksRunMoreThanOnce: 0, mostRunsOfOneTask: 0 },
    executionsPerTask: new Map(plan.tasks.map((task) => [task.id, { started: 1, done: 1, aborted: 0 }])),
    incidents: [],
    goalMaxRecoveryMs: 2_000,
    goalMaxOrchestratorRecoveryMs: 7_000,
    ...overrides,
  };
}

const completed = (id: string, createdAt: number, finishedAt: number): TaskSnapshot =>
  snapshot(id, {
    status: 'completed',
    attempts: 1,
    createdAt,
    finishedAt,
    history: [attempt(1, 'agent-1', createdAt + 1, 'completed', finishedAt)],
  });

describe('buildChaosReport', () => {
  it('meets the goals when every task completed once', () => {
    const report = buildChaosReport(
      facts(
        plan.tasks.map((task, index) => completed(task.id, 1_000, 1_010 + index)),
        plan.tasks.map((task) => task.id),
      ),
    );
    expect(report).toMatchObject({
      completed: 6,
      lost: 0,
      stuck: 0,
      duplicated: 0,
      finalRewrites: 0,
      deadLettered: 0,
      maxRecoveryMs: { agentLoss: null, orchestratorLoss: null },
      p99LatencyMs: 15,
    });
    expect(report.details.goals).toEqual({ met: true, misses: [] });
    expect(report.details.unusualTasks).toEqual({ count: 0, first: [] });
    expect(report.details.byPriority.high).toEqual({ completed: 6, p99LatencyMs: 15 });
  });

  it('counts accepted tasks gone from the bucket as lost, those not final as stuck, and tasks nobody accepted apart', () => {
    const revisions = [
      completed('t1', 1_000, 1_010),
      snapshot('t2', { status: 'assigned', attempts: 1, assignedAgentId: 'agent-2' }),
      snapshot('t3', { status: 'dead_lettered', finishedAt: 1_200 }),
      snapshot('t4', { status: 'failed', finishedAt: 1_300 }),
      // t5: written but never acknowledged to the client: still the system's.
      snapshot('t5'),
    ];
    // t6: accepted, never written.
    const report = buildChaosReport(facts(revisions, ['t1', 't2', 't3', 't4', 't6']));
    expect(report).toMatchObject({ completed: 1, lost: 1, stuck: 2, deadLettered: 1, duplicated: 0 });
    expect(report.details.failed).toBe(1);
    expect(report.details.notAccepted).toBe(0);
    expect(report.details.stuckTasks).toEqual([
      { id: 't2', kind: 'plain', status: 'assigned', attempts: 1, assignedAgentId: 'agent-2' },
      { id: 't5', kind: 'plain', status: 'queued', attempts: 0, assignedAgentId: null },
    ]);
    expect(report.details.lostTasks).toEqual([
      { id: 't6', kind: 'plain', status: 'never written', attempts: 0, assignedAgentId: null },
    ]);
    expect(report.details.goals.misses).toEqual(['1 task(s) lost', '2 task(s) stuck', '1 of 6 tasks completed']);
  });

  it('reports a task no orchestrator accepted as not accepted, not lost', () => {
    const report = buildChaosReport(facts([completed('t1', 1_000, 1_010)], ['t1']));
    expect(report.lost).toBe(0);
    expect(report.details.notAccepted).toBe(5);
    expect(report.details.goals.met).toBe(false);
  });

  it('counts a task completed twice in the journal as duplicated, with the reason and its counts', () => {
    const report = buildChaosReport(facts([completed('t1', 1_000, 1_010), completed('t1', 1_000, 1_020)], ['t1']));
    expect(report.duplicated).toBe(1);
    expect(report.finalRewrites).toBe(0);
    expect(report.details.duplicatedTasks).toEqual([
      { id: 't1', why: 'completed 2 times in the journal (2 completed revision(s), attempts 1 completed)' },
    ]);
    expect(report.details.unusualTasks.first).toContainEqual({
      id: 't1',
      kind: 'plain',
      status: 'completed',
      executionsStarted: 1,
      journalCompletions: 2,
      finalRewrites: 0,
    });
    expect(report.details.goals.misses).toContain('1 task(s) duplicated');
  });

  it('counts a final state overwritten by another state as a final rewrite', () => {
    const rewritten = [
      completed('t1', 1_000, 1_010),
      snapshot('t1', { status: 'assigned', attempts: 2, assignedAgentId: 'agent-2' }),
      completed('t1', 1_000, 1_030),
    ];
    const report = buildChaosReport(facts(rewritten, ['t1']));
    expect(report.finalRewrites).toBe(1);
    expect(report.details.finalRewriteTasks).toEqual([
      { id: 't1', why: 'final state completed overwritten 1 time(s)' },
    ]);
    expect(report.details.goals.misses).toContain('1 task(s) with a final state rewritten');
  });

  it('misses the orchestrator recovery goal when a task claimed by a dead orchestrator waited past ackWaitMs + 2 s', () => {
    const claimedNeverSent = snapshot('t1', {
      status: 'completed',
      attempts: 2,
      finishedAt: 12_100,
      history: [attempt(1, 'agent-1', 999, 'timed_out', 11_000), attempt(2, 'agent-2', 11_000, 'completed', 11_050)],
    });
    const loss = { orchestratorId: 'orch-2', how: 'crash_before_send' as const, killedAt: 1_000 };
    const report = buildChaosReport(facts([claimedNeverSent], ['t1'], { orchestratorLosses: [loss] }));
    expect(report.maxRecoveryMs.orchestratorLoss).toBe(10_000);
    expect(report.details.chaos.crashesBeforeSend).toBe(1);
    expect(report.details.orchestratorRecoveries).toEqual([
      {
        orchestratorId: 'orch-2',
        how: 'crash_before_send',
        atMs: 1_000,
        inFlight: 1,
        recoveryMs: 10_000,
        slowestTaskId: 't1',
      },
    ]);
    expect(report.details.goals.misses).toContain('orchestrator loss recovery took 10000 ms (goal ≤ 7000 ms)');
    expect(report.details.byKind.plain).toMatchObject({ extraAttempts: 1, endedAttempts: { timed_out: 1 } });
  });

  it('counts how the attempts that did not complete ended, per kind, with the error code', () => {
    const refused = {
      ...attempt(1, 'agent-narrow', 1_001, 'failed', 1_002),
      error: { code: 'AGENT_AT_CAPACITY', message: 'full' },
    };
    const task = snapshot('t1', {
      status: 'completed',
      attempts: 2,
      finishedAt: 1_030,
      history: [refused, attempt(2, 'agent-narrow', 1_010, 'completed', 1_030)],
    });
    const report = buildChaosReport(facts([task], ['t1']));
    expect(report.details.byKind.plain.endedAttempts).toEqual({ 'failed AGENT_AT_CAPACITY': 1 });
  });

  it('misses the recovery goal when an agent death took too long, or was never recovered from', () => {
    const slow = [
      snapshot('t1', {
        status: 'completed',
        finishedAt: 5_000,
        history: [attempt(1, 'agent-1', 900, 'agent_lost', 3_000), attempt(2, 'agent-2', 3_500, 'completed', 3_600)],
      }),
    ];
    const kill = { agentId: 'agent-1', killedAt: 1_000, replacedAt: 2_000 };
    const tooSlow = buildChaosReport(facts(slow, ['t1'], { kills: [kill] }));
    expect(tooSlow.maxRecoveryMs.agentLoss).toBe(2_500);
    expect(tooSlow.details.recoveries).toEqual([
      { agentId: 'agent-1', atMs: 1_000, inFlight: 1, recoveryMs: 2_500, slowestTaskId: 't1' },
    ]);
    expect(tooSlow.details.goals.misses).toContain('agent loss recovery took 2500 ms (goal ≤ 2000 ms)');
    const stuck = buildChaosReport(
      facts(
        [snapshot('t1', { status: 'queued', history: [attempt(1, 'agent-1', 900, 'agent_lost', 3_000)] })],
        ['t1'],
        { kills: [kill] },
      ),
    );
    expect(stuck.maxRecoveryMs.agentLoss).toBeNull();
    expect(stuck.details.goals.misses).toContain('an agent death was never recovered from');
  });
});
