import type {
  JournaledAnswer,
  JournaledTask,
  JournalEntry,
  TaskJournal,
  TaskJournalSink,
} from '@switchyard/core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from './wait-until.js';

/** Journals of several orchestrators on one shared store (one NATS, one InMemoryJournalStore). */
export interface TaskJournalFixture {
  journal(orchestratorId: string): TaskJournal;
  dispose(): Promise<void>;
}

/** What one journal told its orchestrator. */
class RecordingSink implements TaskJournalSink {
  readonly adopted: JournalEntry[] = [];
  readonly settledTasks: JournaledTask[] = [];
  readonly answers: JournaledAnswer[] = [];

  adopt(entry: JournalEntry): void {
    this.adopted.push(entry);
  }

  settled(task: JournaledTask): void {
    this.settledTasks.push(task);
  }

  answerRecorded(answer: JournaledAnswer): void {
    this.answers.push(answer);
  }

  agentRegistered(): void {
    // Agents are not part of this contract's cases.
  }

  agentUnregistered(): void {
    // Agents are not part of this contract's cases.
  }
}

function newTask(id: string, writtenBy: string): JournaledTask {
  const limits = { maxAttempts: 3, attemptTimeoutMs: 60_000, queueTimeoutMs: null };
  return {
    id,
    type: 'contract',
    requiredCapabilities: ['work'],
    data: { id },
    senderId: 'contract-suite',
    priority: 'normal',
    weight: 1,
    strategy: null,
    status: 'queued',
    assignedAgentId: null,
    attempts: 0,
    failures: 0,
    maxAttempts: limits.maxAttempts,
    history: [],
    result: null,
    error: null,
    createdAt: 1,
    queuedAt: 1,
    retryAt: null,
    assignedAt: null,
    finishedAt: null,
    redistributions: 0,
    limits,
    assignedBy: null,
    fence: null,
    writtenBy,
  };
}

function assigned(task: JournaledTask, writtenBy: string, fence: string): JournaledTask {
  return {
    ...task,
    status: 'assigned',
    assignedAgentId: 'agent-1',
    attempts: task.attempts + 1,
    assignedAt: 2,
    history: [
      ...task.history,
      {
        attempt: task.attempts + 1,
        agentId: 'agent-1',
        assignedAt: 2,
        finishedAt: null,
        outcome: 'running',
        error: null,
      },
    ],
    fence,
    writtenBy,
  };
}

function completed(task: JournaledTask, writtenBy: string): JournaledTask {
  return { ...task, status: 'completed', result: 'done', finishedAt: 3, writtenBy };
}

/**
 * The behaviour every TaskJournal must have, so TaskDistributor can rely on it: compare-and-set
 * writes, one holder per work item with take-over when it stops, final states heard by all,
 * answers kept by fence. Run it from each journal's tests with a fixture of that journal.
 */
export function runTaskJournalContractSuite(name: string, createFixture: () => Promise<TaskJournalFixture>): void {
  describe(`${name} task journal contract`, () => {
    let fixture: TaskJournalFixture;
    let started: TaskJournal[];

    async function start(orchestratorId: string): Promise<{ journal: TaskJournal; sink: RecordingSink }> {
      const journal = fixture.journal(orchestratorId);
      const sink = new RecordingSink();
      await journal.start(sink);
      started.push(journal);
      return { journal, sink };
    }

    async function stop(journal: TaskJournal): Promise<void> {
      started.splice(started.indexOf(journal), 1);
      await journal.stop();
    }

    beforeEach(async () => {
      fixture = await createFixture();
      started = [];
    });

    afterEach(async () => {
      for (const journal of started.splice(0)) await journal.stop();
      await fixture.dispose();
    });

    it('hands a submitted task to one orchestrator, with the revision to write on; a second submission is `exists`', async () => {
      const a = await start('a');
      expect(await a.journal.submit(newTask('t-submit', 'a'))).toBe('accepted');
      await waitUntil(() => a.sink.adopted.length === 1, 'adoption');
      const [entry] = a.sink.adopted;
      expect(entry?.task).toMatchObject({ id: 't-submit', status: 'queued' });
      expect(entry?.revision).toBeGreaterThan(0);
      expect(await a.journal.submit(newTask('t-submit', 'a'))).toBe('exists');
      expect((await a.journal.read('t-submit'))?.revision).toBe(entry?.revision);
    });

    it('writes only on the revision last seen: a stale one loses and says who moved the task', async () => {
      const a = await start('a');
      const b = await start('b');
      await a.journal.submit(newTask('t-cas', 'a'));
      await waitUntil(() => a.sink.adopted.length + b.sink.adopted.length === 1, 'adoption');
      const entry = [...a.sink.adopted, ...b.sink.adopted][0];
      if (entry === undefined) throw new Error('not adopted');
      const first = await a.journal.record(assigned(entry.task, 'a', 'fence-a'), entry.revision);
      expect(first.written).toBe(true);
      // b read the same revision before a wrote: its write must not land.
      const second = await b.journal.record(assigned(entry.task, 'b', 'fence-b'), entry.revision);
      expect(second.written).toBe(false);
      if (second.written || !first.written) throw new Error('unreachable');
      expect(second.current).toMatchObject({
        revision: first.revision,
        task: { writtenBy: 'a', fence: 'fence-a', status: 'assigned' },
      });
      expect((await b.journal.read('t-cas'))?.task.fence).toBe('fence-a');
    });

    it('hands an open attempt to another orchestrator when its holder stops, fence, revision and weight intact', async () => {
      const a = await start('a');
      await a.journal.submit({ ...newTask('t-takeover', 'a'), weight: 3 });
      await waitUntil(() => a.sink.adopted.length === 1, 'adoption by a');
      const entry = a.sink.adopted[0];
      if (entry === undefined) throw new Error('not adopted');
      // a writes the assignment and dies before sending it (or before anything else).
      const write = await a.journal.record(assigned(entry.task, 'a', 'fence-a'), entry.revision);
      if (!write.written) throw new Error('the assignment was not written');
      const b = await start('b');
      await stop(a.journal);
      await waitUntil(
        () => b.sink.adopted.some((adopted) => adopted.task.id === 't-takeover'),
        'take-over by b',
        30_000,
      );
      const taken = b.sink.adopted.find((adopted) => adopted.task.id === 't-takeover');
      expect(taken).toMatchObject({
        revision: write.revision,
        task: { status: 'assigned', attempts: 1, fence: 'fence-a', writtenBy: 'a', weight: 3 },
      });
      const next = await b.journal.record(completed(taken?.task ?? entry.task, 'b'), write.revision);
      expect(next.written).toBe(true);
    });

    it('tells every orchestrator of a final state, and a final state is not written over from an older revision', async () => {
      const a = await start('a');
      const b = await start('b');
      await a.journal.submit(newTask('t-final', 'a'));
      await waitUntil(() => a.sink.adopted.length + b.sink.adopted.length === 1, 'adoption');
      const [owner, other] = a.sink.adopted.length === 1 ? [a, b] : [b, a];
      const entry = owner.sink.adopted[0];
      if (entry === undefined) throw new Error('not adopted');
      const running = await owner.journal.record(assigned(entry.task, 'owner', 'fence-1'), entry.revision);
      if (!running.written) throw new Error('not written');
      const final = await owner.journal.record(
        completed(assigned(entry.task, 'owner', 'fence-1'), 'owner'),
        running.revision,
      );
      expect(final.written).toBe(true);
      await waitUntil(() => other.sink.settledTasks.some((task) => task.id === 't-final'), 'the other hears of it');
      const rewrite = await other.journal.record(assigned(entry.task, 'other', 'fence-2'), running.revision);
      expect(rewrite.written).toBe(false);
      expect((await other.journal.read('t-final'))?.task.status).toBe('completed');
    });

    it('keeps answers by fence, tells every orchestrator, and a forged one never hides the genuine one', async () => {
      const a = await start('a');
      const b = await start('b');
      const base = { taskId: 't-answer', agentId: 'agent-1', attempt: 1 } as const;
      await b.journal.recordAnswer({ ...base, fence: 'forged', status: 'completed', result: 'forged' });
      await b.journal.recordAnswer({ ...base, fence: 'genuine', status: 'completed', result: 'genuine' });
      await waitUntil(() => a.sink.answers.some((answer) => answer.fence === 'genuine'), 'a hears of the answer');
      expect(await a.journal.readAnswer('t-answer', 'genuine')).toMatchObject({ result: 'genuine', attempt: 1 });
      expect(await a.journal.readAnswer('t-answer', 'never-sent')).toBeUndefined();
    });

    it('keeps the last progress a write carries, read back by another orchestrator', async () => {
      const a = await start('a');
      await a.journal.submit(newTask('t-progress', 'a'));
      await waitUntil(() => a.sink.adopted.length === 1, 'adoption by a');
      const entry = a.sink.adopted[0];
      if (entry === undefined) throw new Error('not adopted');
      const progress = {
        taskId: 't-progress',
        attempt: 1,
        agentId: 'agent-1',
        message: 'half way',
        fraction: 0.5,
        partial: { rows: [1, 2] },
        at: 5,
      };
      const write = await a.journal.record({ ...assigned(entry.task, 'a', 'fence-a'), progress }, entry.revision);
      expect(write.written).toBe(true);
      const b = await start('b');
      expect((await b.journal.read('t-progress'))?.task.progress).toEqual(progress);
    });
  });
}
