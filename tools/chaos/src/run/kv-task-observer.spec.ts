import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import type { KV, NatsConnection } from 'nats';
import { connect } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskLedger } from '../check/task-ledger.js';
import type { TaskSnapshot } from '../check/task-snapshot.js';
import { snapshot } from '../check/task-snapshot.test-helpers.js';
import { KvTaskObserver, tasksBucket } from './kv-task-observer.js';

const bucket = tasksBucket('chaos.test');

/** Writes task snapshots the way a durable orchestrator does: key base64url(id), value JSON. */
async function writer(
  url: string,
): Promise<{ kv: KV; connection: NatsConnection; put(task: TaskSnapshot): Promise<number> }> {
  const connection = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const kv = await connection.jetstream().views.kv(bucket, { history: 1 });
  return { kv, connection, put: (task) => kv.put(Buffer.from(task.id).toString('base64url'), JSON.stringify(task)) };
}

describe('KvTaskObserver', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('names the bucket after the subject prefix, dots made underscores', () => {
    expect(bucket).toBe('chaos_test_tasks');
  });

  it('folds every revision of the bucket into the ledger, and counts those replaced before it could read them', async () => {
    const server = await startNatsServer();
    cleanups.push(() => server.stop());
    const tasks = await writer(server.url);
    cleanups.push(() => tasks.connection.close());
    // Written twice before anyone watches: with one revision kept per key, the first is gone.
    await tasks.put(snapshot('task:1'));
    await tasks.put(snapshot('task:1', { status: 'assigned', attempts: 1, assignedAgentId: 'agent-1' }));

    const ledger = new TaskLedger();
    const observer = new KvTaskObserver([server.url], bucket, ledger, () => undefined);
    cleanups.push(() => observer.stop());
    await observer.start(5_000);
    // A revision is read only if it is still there when the server sends it: wait before replacing it.
    await waitUntil(() => ledger.get('task:1') !== undefined, 'the observer read what was there');
    await tasks.put(snapshot('task:1', { status: 'completed', attempts: 1, finishedAt: 2_000 }));
    await tasks.put(snapshot('task:2'));
    await tasks.kv.put('bm90LWEtdGFzaw', 'not a task');
    await waitUntil(
      () => observer.stats().revisions === 3 && observer.stats().malformedValues === 1,
      'the observer read every revision',
    );
    expect(ledger.get('task:1')).toMatchObject({ revisions: 2, finalRevisions: 1, latest: { status: 'completed' } });
    expect(ledger.finishedCount).toBe(1);
    expect(observer.stats()).toMatchObject({ unobservedRevisions: 1, watchRestarts: 0 });
  });

  it('keeps reading across a nats-server restart, and reads every key once more at the end', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'switchyard-chaos-observer-'));
    cleanups.push(() => rm(storeDir, { recursive: true, force: true }));
    let server: NatsServerHandle = await startNatsServer({ storeDir });
    cleanups.push(() => server.stop());
    const tasks = await writer(server.url);
    cleanups.push(() => tasks.connection.close());
    const ledger = new TaskLedger();
    const observer = new KvTaskObserver([server.url], bucket, ledger, () => undefined);
    cleanups.push(() => observer.stop());
    await observer.start(5_000);
    await tasks.put(snapshot('a'));
    await waitUntil(() => ledger.get('a') !== undefined, 'the first revision was read');

    await server.stop();
    server = await startNatsServer({ storeDir, port: server.port });
    // The first write after the restart waits for the writer's reconnection and JetStream's recovery.
    for (let tries = 1; ; tries++) {
      try {
        await tasks.put(snapshot('a', { status: 'completed', finishedAt: 2_000 }));
        break;
      } catch (error) {
        if (tries === 10) throw error;
      }
    }
    await tasks.put(snapshot('b', { status: 'completed', finishedAt: 2_000 }));
    await waitUntil(() => ledger.finishedCount === 2, 'the revisions after the restart were read', 15_000);

    await observer.stopWatching();
    await tasks.put(snapshot('c', { status: 'dead_lettered', finishedAt: 3_000 }));
    await observer.readAll();
    expect(ledger.get('c')?.latest?.status).toBe('dead_lettered');
    expect(ledger.finishedCount).toBe(3);
  });
});
