import type { JournaledTask, JournalEntry } from '@switchyard/core/internal';
import type { NatsServerHandle } from '@switchyard/testing';
import { runTaskJournalContractSuite, startNatsServer, waitUntil } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamTaskJournal } from './jetstream-task-journal.js';

let server: NatsServerHandle;

beforeAll(async () => {
  server = await startNatsServer();
});

afterAll(async () => {
  await server.stop();
});

runTaskJournalContractSuite('JetStream', () => {
  // A fresh prefix per case: its own stream and buckets on the shared server.
  const subjectPrefix = `contract${String(Math.floor(Math.random() * 1e9))}`;
  return Promise.resolve({
    journal: (orchestratorId: string) =>
      new JetStreamTaskJournal(
        { kind: 'nats', servers: [server.url], subjectPrefix },
        { kind: 'jetstream', orchestratorId, ackWaitMs: 2_000 },
      ),
    dispose: () => Promise.resolve(),
  });
});

describe('JetStream task journal: a bounded work stream', () => {
  it('refuses with QUEUE_FULL beyond maxWorkItems, keeping nothing, and takes work again once a task finishes', async () => {
    const journal = new JetStreamTaskJournal(
      { kind: 'nats', servers: [server.url], subjectPrefix: `bounded${String(Math.floor(Math.random() * 1e9))}` },
      { kind: 'jetstream', orchestratorId: 'bounded', maxWorkItems: 2 },
    );
    const adopted: JournalEntry[] = [];
    await journal.start({
      adopt: (entry) => adopted.push(entry),
      settled: () => undefined,
      answerRecorded: () => undefined,
      agentRegistered: () => undefined,
      agentUnregistered: () => undefined,
    });
    try {
      const task = (id: string): JournaledTask => ({ ...TEMPLATE, id });
      expect(await journal.submit(task('b-1'))).toBe('accepted');
      expect(await journal.submit(task('b-2'))).toBe('accepted');
      await expect(journal.submit(task('b-3'))).rejects.toMatchObject({ code: 'QUEUE_FULL' });
      expect(await journal.read('b-3')).toBeUndefined();
      await waitUntil(() => adopted.some((entry) => entry.task.id === 'b-1'), 'b-1 adopted');
      const entry = adopted.find((candidate) => candidate.task.id === 'b-1');
      if (entry === undefined) throw new Error('not adopted');
      const done = await journal.record(
        { ...entry.task, status: 'completed', result: 1, finishedAt: 2 },
        entry.revision,
      );
      expect(done.written).toBe(true);
      // The ack that frees the slot travels on its own: try until the stream has room.
      let outcome: string = 'full';
      for (let tries = 0; outcome === 'full' && tries < 100; tries++) {
        outcome = await journal.submit(task('b-3')).catch(() => 'full');
        if (outcome === 'full') await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(outcome).toBe('accepted');
    } finally {
      await journal.stop();
    }
  });
});

const TEMPLATE: JournaledTask = {
  id: 'template',
  type: 'bounded',
  requiredCapabilities: ['work'],
  data: null,
  senderId: 'spec',
  priority: 'normal',
  strategy: null,
  status: 'queued',
  assignedAgentId: null,
  attempts: 0,
  failures: 0,
  maxAttempts: 3,
  history: [],
  result: null,
  error: null,
  createdAt: 1,
  queuedAt: 1,
  retryAt: null,
  assignedAt: null,
  finishedAt: null,
  redistributions: 0,
  limits: { maxAttempts: 3, attemptTimeoutMs: 60_000, queueTimeoutMs: null },
  assignedBy: null,
  fence: null,
  weight: 1,
  writtenBy: 'bounded',
};
