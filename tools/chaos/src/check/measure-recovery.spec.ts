import { describe, expect, it } from 'vitest';
import { measureOrchestratorRecovery, measureRecovery } from './measure-recovery.js';
import { TaskLedger } from './task-ledger.js';
import { attempt, snapshot } from './task-snapshot.test-helpers.js';

const kill = { agentId: 'agent-1', killedAt: 10_000, replacedAt: 11_000 };

describe('measureRecovery', () => {
  it('times the last of the dead agent’s unfinished tasks to be handed over again', () => {
    const tasks = [
      snapshot('a', {
        status: 'completed',
        history: [
          attempt(1, 'agent-1', 9_990, 'agent_lost', 10_700),
          attempt(2, 'agent-2', 10_700, 'completed', 10_720),
        ],
        finishedAt: 10_720,
      }),
      snapshot('b', {
        status: 'completed',
        history: [
          attempt(1, 'agent-1', 9_995, 'agent_lost', 10_700),
          attempt(2, 'agent-3', 10_900, 'completed', 10_930),
        ],
        finishedAt: 10_930,
      }),
      // Finished before the kill: not in flight.
      snapshot('c', {
        status: 'completed',
        history: [attempt(1, 'agent-1', 9_000, 'completed', 9_020)],
        finishedAt: 9_020,
      }),
      // Another agent's task.
      snapshot('d', { status: 'assigned', history: [attempt(1, 'agent-2', 9_999, 'running', null)] }),
    ];
    expect(measureRecovery(kill, tasks)).toEqual({ ...kill, inFlight: 2, recoveryMs: 900, slowestTaskId: 'b' });
  });

  it('counts a hand-over made while the agent was dead, timed from the kill', () => {
    const tasks = [
      snapshot('a', {
        status: 'completed',
        history: [
          attempt(1, 'agent-1', 10_300, 'not_delivered', 10_300),
          attempt(2, 'agent-2', 10_310, 'completed', 10_330),
        ],
        finishedAt: 10_330,
      }),
    ];
    expect(measureRecovery(kill, tasks)).toMatchObject({ inFlight: 1, recoveryMs: 310 });
  });

  it('leaves out hand-overs to the agent that came back, and any answered after the kill', () => {
    const tasks = [
      snapshot('a', { status: 'assigned', history: [attempt(1, 'agent-1', 11_200, 'agent_lost', 11_900)] }),
      // Answered: not by the dead process.
      snapshot('b', {
        status: 'completed',
        history: [attempt(1, 'agent-1', 10_900, 'completed', 10_930)],
        finishedAt: 10_930,
      }),
    ];
    expect(measureRecovery(kill, tasks)).toMatchObject({ inFlight: 0, recoveryMs: 0, slowestTaskId: null });
  });

  it('takes an answer already on its way as recovered when it was booked', () => {
    const tasks = [
      snapshot('a', {
        status: 'completed',
        history: [attempt(1, 'agent-1', 9_990, 'completed', 10_004)],
        finishedAt: 10_004,
      }),
    ];
    expect(measureRecovery(kill, tasks)).toMatchObject({ inFlight: 1, recoveryMs: 4 });
  });

  it('has no recovery time while one of them is still waiting to be handed over', () => {
    const tasks = [
      snapshot('a', {
        status: 'completed',
        history: [
          attempt(1, 'agent-1', 9_990, 'agent_lost', 10_700),
          attempt(2, 'agent-2', 10_700, 'completed', 10_720),
        ],
        finishedAt: 10_720,
      }),
      snapshot('b', { status: 'queued', history: [attempt(1, 'agent-1', 9_990, 'agent_lost', 10_700)] }),
    ];
    expect(measureRecovery(kill, tasks)).toMatchObject({ inFlight: 2, recoveryMs: null, slowestTaskId: 'b' });
  });
});

describe('measureOrchestratorRecovery', () => {
  const loss = { orchestratorId: 'orch-1', how: 'sigkill' as const, killedAt: 1_000 };

  it('times an answer that came while the owner was dead by when the journal got it, not when the agent sent it', () => {
    const ledger = new TaskLedger();
    ledger.observe(
      1,
      {
        kind: 'put',
        task: snapshot('a', {
          status: 'assigned',
          attempts: 1,
          history: [attempt(1, 'agent-1', 990, 'running', null)],
        }),
      },
      990,
    );
    // The agent answered at 1,050; the adopter wrote it down at 9,000.
    ledger.observe(
      2,
      {
        kind: 'put',
        task: snapshot('a', {
          status: 'completed',
          attempts: 1,
          finishedAt: 1_050,
          history: [attempt(1, 'agent-1', 990, 'completed', 1_050)],
        }),
      },
      9_000,
    );
    // The survivor's own task, done at once.
    ledger.observe(
      3,
      {
        kind: 'put',
        task: snapshot('b', {
          status: 'assigned',
          attempts: 1,
          history: [attempt(1, 'agent-2', 995, 'running', null)],
        }),
      },
      995,
    );
    ledger.observe(
      4,
      {
        kind: 'put',
        task: snapshot('b', {
          status: 'completed',
          attempts: 1,
          finishedAt: 1_010,
          history: [attempt(1, 'agent-2', 995, 'completed', 1_010)],
        }),
      },
      1_012,
    );
    expect(measureOrchestratorRecovery(loss, ledger.all())).toEqual({
      ...loss,
      inFlight: 2,
      recoveryMs: 8_000,
      slowestTaskId: 'a',
    });
  });

  it('counts an attempt claimed before the death and never ended as never recovered', () => {
    const ledger = new TaskLedger();
    ledger.observe(
      1,
      {
        kind: 'put',
        task: snapshot('a', {
          status: 'assigned',
          attempts: 1,
          history: [attempt(1, 'agent-1', 999, 'running', null)],
        }),
      },
      999,
    );
    expect(measureOrchestratorRecovery(loss, ledger.all())).toMatchObject({
      inFlight: 1,
      recoveryMs: null,
      slowestTaskId: 'a',
    });
  });
});
