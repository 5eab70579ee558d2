import { describe, expect, it } from 'vitest';
import { duplicateEvidence, finalRewriteEvidence, journalCompletions } from './duplicate-evidence.js';
import { TaskLedger } from './task-ledger.js';
import type { TaskSnapshot } from './task-snapshot.js';
import { attempt, snapshot } from './task-snapshot.test-helpers.js';

function trackOf(...revisions: TaskSnapshot[]): NonNullable<ReturnType<TaskLedger['get']>> {
  const ledger = new TaskLedger();
  revisions.forEach((task, index) => ledger.observe(index + 1, { kind: 'put', task }));
  const id = revisions[0]?.id ?? '';
  return ledger.get(id)!;
}

describe('duplicateEvidence and finalRewriteEvidence', () => {
  it('clear a task completed once after an attempt lost with its agent', () => {
    const history = [
      attempt(1, 'agent-1', 1_010, 'agent_lost', 1_800),
      attempt(2, 'agent-2', 1_810, 'completed', 1_830),
    ];
    const track = trackOf(
      snapshot('a'),
      snapshot('a', { status: 'completed', attempts: 2, history, finishedAt: 1_830 }),
    );
    expect(journalCompletions(track)).toBe(1);
    expect(duplicateEvidence(track)).toBeUndefined();
    expect(finalRewriteEvidence(track)).toBeUndefined();
  });

  it('count a completed state written twice as two completions', () => {
    const done = snapshot('a', { status: 'completed', finishedAt: 1_030 });
    const track = trackOf(done, { ...done, finishedAt: 1_031 });
    expect(journalCompletions(track)).toBe(2);
    expect(duplicateEvidence(track)).toBe(
      'completed 2 times in the journal (2 completed revision(s), attempts none completed)',
    );
    expect(finalRewriteEvidence(track)).toBeUndefined();
  });

  it('name a final state overwritten by another status', () => {
    const track = trackOf(
      snapshot('a', { status: 'dead_lettered', finishedAt: 1_030 }),
      snapshot('a', { status: 'queued' }),
    );
    expect(finalRewriteEvidence(track)).toBe('final state dead_lettered overwritten 1 time(s)');
    expect(duplicateEvidence(track)).toBeUndefined();
  });

  it('find two completions in the history even when only the last revision was seen', () => {
    const history = [
      attempt(1, 'agent-1', 1_010, 'completed', 1_020),
      attempt(2, 'agent-2', 1_030, 'completed', 1_040),
    ];
    const track = trackOf(snapshot('a', { status: 'completed', attempts: 2, history, finishedAt: 1_040 }));
    expect(journalCompletions(track)).toBe(2);
    expect(duplicateEvidence(track)).toBe(
      'completed 2 times in the journal (1 completed revision(s), attempts 1, 2 completed)',
    );
  });

  it('find a hand-over made after an attempt had completed', () => {
    const history = [
      attempt(1, 'agent-1', 1_010, 'completed', 1_020),
      attempt(2, 'agent-2', 1_030, 'agent_lost', 1_900),
    ];
    expect(
      finalRewriteEvidence(trackOf(snapshot('a', { status: 'completed', attempts: 2, history, finishedAt: 1_020 }))),
    ).toBe('attempt 2 was handed over after attempt 1 completed');
  });
});
