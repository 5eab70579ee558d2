import { describe, expect, it } from 'vitest';
import { TaskLedger } from './task-ledger.js';
import { attempt, snapshot } from './task-snapshot.test-helpers.js';

describe('TaskLedger', () => {
  it('keeps the newest revision of each task and counts the tasks that are final', () => {
    const ledger = new TaskLedger();
    const finals: string[] = [];
    ledger.onFinal((id) => finals.push(id));
    ledger.observe(1, { kind: 'put', task: snapshot('a') });
    ledger.observe(2, { kind: 'put', task: snapshot('b') });
    ledger.observe(3, {
      kind: 'put',
      task: snapshot('a', {
        status: 'assigned',
        attempts: 1,
        assignedAgentId: 'agent-1',
        history: [attempt(1, 'agent-1', 1_010, 'running', null)],
      }),
    });
    ledger.observe(4, { kind: 'put', task: snapshot('a', { status: 'completed', attempts: 1, finishedAt: 1_040 }) });
    expect(ledger.finishedCount).toBe(1);
    expect(finals).toEqual(['a']);
    expect(ledger.get('a')).toMatchObject({
      revisions: 3,
      lastRevision: 4,
      finalRevisions: 1,
      revisionsAfterFinal: 0,
      latest: { status: 'completed' },
    });
    expect(ledger.get('b')?.latest?.status).toBe('queued');
  });

  it('ignores a revision it already has, so a second reader may feed it the same ones', () => {
    const ledger = new TaskLedger();
    expect(ledger.observe(5, { kind: 'put', task: snapshot('a', { status: 'completed', finishedAt: 1_050 }) })).toBe(
      true,
    );
    expect(ledger.observe(5, { kind: 'put', task: snapshot('a', { status: 'completed', finishedAt: 1_050 }) })).toBe(
      false,
    );
    expect(ledger.observe(3, { kind: 'put', task: snapshot('a') })).toBe(false);
    expect(ledger.get('a')).toMatchObject({ revisions: 1, finalRevisions: 1 });
    expect(ledger.finishedCount).toBe(1);
  });

  it('counts every revision written after the first final one, and unfinishes a task that left its final state', () => {
    const ledger = new TaskLedger();
    ledger.observe(1, { kind: 'put', task: snapshot('a', { status: 'completed', finishedAt: 1_050 }) });
    ledger.observe(2, { kind: 'put', task: snapshot('a', { status: 'assigned', attempts: 2 }) });
    expect(ledger.finishedCount).toBe(0);
    ledger.observe(3, { kind: 'put', task: snapshot('a', { status: 'completed', finishedAt: 1_090 }) });
    expect(ledger.get('a')).toMatchObject({ finalRevisions: 2, revisionsAfterFinal: 2 });
    expect(ledger.finishedCount).toBe(1);
  });

  it('knows how many tasks the bucket shows assigned to each agent now', () => {
    const ledger = new TaskLedger();
    const assigned = (id: string, agentId: string) =>
      snapshot(id, { status: 'assigned', attempts: 1, assignedAgentId: agentId });
    ledger.observe(1, { kind: 'put', task: assigned('a', 'agent-1') });
    ledger.observe(2, { kind: 'put', task: assigned('b', 'agent-1') });
    ledger.observe(3, { kind: 'put', task: assigned('c', 'agent-2') });
    ledger.observe(4, { kind: 'put', task: snapshot('a', { status: 'completed', finishedAt: 1_020 }) });
    ledger.observe(5, { kind: 'put', task: assigned('c', 'agent-1') });
    expect(ledger.assignedTo('agent-1')).toBe(2);
    expect(ledger.assignedTo('agent-2')).toBe(0);
    expect(ledger.assignedTo('agent-3')).toBe(0);
    expect(ledger.assignedCount).toBe(2);
  });

  it('forgets the value of a deleted task', () => {
    const ledger = new TaskLedger();
    ledger.observe(1, { kind: 'put', task: snapshot('a') });
    ledger.observe(2, { kind: 'delete', taskId: 'a' });
    expect(ledger.get('a')).toMatchObject({ revisions: 2, latest: undefined });
  });
});
