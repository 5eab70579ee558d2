import { describe, expect, it } from 'vitest';
import { duplicateEvidence } from './duplicate-evidence.js';
import { TaskLedger } from './task-ledger.js';
import type { TaskSnapshot } from './task-snapshot.js';
import { attempt, snapshot } from './task-snapshot.test-helpers.js';

function trackOf(...revisions: TaskSnapshot[]): NonNullable<ReturnType<TaskLedger['get']>> {
  const ledger = new TaskLedger();
  revisions.forEach((task, index) => ledger.observe(index + 1, { kind: 'put', task }));
  const id = revisions[0]?.id ?? '';
  return ledger.get(id)!;
}

describe('duplicateEvidence', () => {
  it('clears a task completed once after an attempt lost with its agent', () => {
    const history = [attempt(1, 'agent-1', 1_010, 'agent_lost', 1_800), attempt(2, 'agent-2', 1_810, 'completed', 1_830)];
    expect(duplicateEvidence(trackOf(snapshot('a'), snapshot('a', { status: 'completed', attempts: 2, history, finishedAt: 1_830 })))).toBeUndefined();
  });

  it('names a final state written twice', () => {
    const done = snapshot('a', { status: 'completed', finishedAt: 1_030 });
    expect(duplicateEvidence(trackOf(done, { ...done, finishedAt: 1_031 }))).toBe('final state written 2 times');
  });

  it('names a change after the final state', () => {
    expect(duplicateEvidence(trackOf(snapshot('a', { status: 'dead_lettered', finishedAt: 1_030 }), snapshot('a', { status: 'queued' })))).toBe('changed 1 time(s) after it was final');
  });

  it('finds two completions in the history even when only the last revision was seen', () => {
    const history = [attempt(1, 'agent-1', 1_010, 'completed', 1_020), attempt(2, 'agent-2', 1_030, 'completed', 1_040)];
    expect(duplicateEvidence(trackOf(snapshot('a', { status: 'completed', attempts: 2, history, finishedAt: 1_040 })))).toBe('attempts 1, 2 all completed');
  });

  it('finds a hand-over made after an attempt had completed', () => {
    const history = [attempt(1, 'agent-1', 1_010, 'completed', 1_020), attempt(2, 'agent-2', 1_030, 'agent_lost', 1_900)];
    expect(duplicateEvidence(trackOf(snapshot('a', { status: 'completed', attempts: 2, history, finishedAt: 1_020 })))).toBe('attempt 2 was handed over after attempt 1 completed');
  });
});
