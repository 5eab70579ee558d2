import type { JsonValue } from '@switchyard/core';
import type { JournaledAnswer } from '@switchyard/core/internal';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { JournaledTaskSchema, TaskDistributor } from '@switchyard/core/internal';
import { SwitchyardAgent } from '@switchyard/agent';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import { Container } from 'inversify';
import { connect } from 'nats';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJetStreamDurabilityModule } from './create-jetstream-durability-module.js';
import { createNatsTransportModule } from './create-nats-transport-module.js';
import { JetStreamTaskJournal } from './jetstream-task-journal.js';
import { NatsTransport } from './nats-transport.js';

const TOKEN = 'answers-after-reconnect';
/** Far beyond the test: only the kept answer can finish the task in time. */
const ATTEMPT_TIMEOUT_MS = 600_000;

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** The task's open attempt as the journal holds it. */
async function openAttempt(
  url: string,
  prefix: string,
  taskId: string,
): Promise<{ attempt: number; fence: string; agentId: string }> {
  const connection = await connect({ servers: url });
  try {
    const entry = await (
      await connection.jetstream().views.kv(`${prefix}_tasks`)
    ).get(Buffer.from(taskId, 'utf8').toString('base64url'));
    if (entry === null) throw new Error('the task is not in the journal');
    const task = JournaledTaskSchema.parse(entry.json());
    if (task.status !== 'assigned' || task.fence === null || task.assignedAgentId === null)
      throw new Error(`the task is ${task.status}`);
    return { attempt: task.attempts, fence: task.fence, agentId: task.assignedAgentId };
  } finally {
    await connection.close();
  }
}

/**
 * The other orchestrator keeps an agent's answer, as it does for a task it does not hold. Its
 * journal starts as soon as JetStream answers again (a fresh start until one succeeds).
 */
async function keepAnswerAsOtherOrchestrator(url: string, prefix: string, answer: JournaledAnswer): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const other = new JetStreamTaskJournal(
      { kind: 'nats', servers: [url], subjectPrefix: prefix },
      { kind: 'jetstream', orchestratorId: 'orch-other', ackWaitMs: 60_000 },
    );
    try {
      await other.start({
        adopt: () => undefined,
        settled: () => undefined,
        answerRecorded: () => undefined,
        agentRegistered: () => undefined,
        agentUnregistered: () => undefined,
      });
      await other.recordAnswer(answer);
      await other.stop();
      return;
    } catch (error) {
      await other.stop().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('the answers watch across a NATS restart', () => {
  it('applies an answer another orchestrator kept while this one reconnected, without waiting for the attempt timeout', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'switchyard-answers-'));
    cleanups.push(() => rm(storeDir, { recursive: true, force: true }));
    let server: NatsServerHandle = await startNatsServer({ storeDir });
    cleanups.push(() => server.stop());
    const prefix = `answers${String(Math.floor(Math.random() * 1e9))}`;
    // This orchestrator comes back slowly (reconnect wait 1.5 s), so the answer is usually kept before it is back.
    const transport = {
      kind: 'nats' as const,
      servers: [server.url],
      subjectPrefix: prefix,
      reconnect: { waitMs: 1_500 },
    };
    const container = new Container();
    const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }]);
    container.load(
      // The agent stays known through the restart (its heartbeats stop meanwhile).
      createCoreModule(
        {
          tasks: { attemptTimeoutMs: ATTEMPT_TIMEOUT_MS },
          agents: { heartbeatIntervalMs: 200, missedHeartbeats: 150 },
        },
        { authenticator },
      ),
      createNatsTransportModule(transport),
      createJetStreamDurabilityModule(transport, {
        kind: 'jetstream',
        orchestratorId: 'orch-owner',
        ackWaitMs: 60_000,
      }),
    );
    const engine = container.get(OrchestrationEngine);
    const distributor = container.get(TaskDistributor);
    await engine.start();
    cleanups.push(() => engine.stop());

    const started: string[] = [];
    // The agent's own answer would reach the owner directly: this one never answers, so the kept answer is the only way.
    const agent = new SwitchyardAgent(
      { agentId: 'worker', capabilities: ['work'] },
      new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: prefix }),
      (task, context) => {
        started.push(task.id);
        return new Promise<JsonValue>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => {
            reject(context.signal.reason as Error);
          });
        });
      },
    );
    await agent.start();
    cleanups.push(() => agent.stop());
    await waitUntil(() => distributor.listAgents().length === 1, 'the agent to be known');
    await engine.distributeTask({
      authToken: TOKEN,
      taskId: 'gap',
      taskType: 'w',
      requiredCapabilities: ['work'],
      taskData: null,
      senderId: 'spec',
    });
    await waitUntil(() => started.includes('gap'), 'the handler to run');
    const attempt = await openAttempt(server.url, prefix, 'gap');
    const outcome = engine.executeTask({ authToken: TOKEN, taskId: 'gap', timeoutMs: 45_000 });

    const { port } = server;
    await server.stop();
    server = await startNatsServer({ port, storeDir });
    await keepAnswerAsOtherOrchestrator(server.url, prefix, {
      taskId: 'gap',
      ...attempt,
      status: 'completed',
      result: 'kept during the gap',
    });

    await expect(outcome).resolves.toMatchObject({ status: 'completed', result: 'kept during the gap' });
    expect(distributor.getTask('gap')).toMatchObject({
      status: 'completed',
      history: [{ attempt: 1, agentId: 'worker', outcome: 'completed' }],
    });
  });
});
