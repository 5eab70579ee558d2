// "No responders": nats-server answers that nobody subscribes to the agent's subject. The task
// never reached the agent, so the hand-over is not a failed attempt: it goes back to the queue,
// counting against maxRedistributions, not maxAttempts.
import type { CoreOptionsInput } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import { SwitchyardAgent } from '@switchyard/agent';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import { Container } from 'inversify';
import { connect } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNatsTransportModule } from './create-nats-transport-module.js';
import { NatsTransport } from './nats-transport.js';

const TOKEN = 'no-responders-spec';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let server: NatsServerHandle;
let prefix: string;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  server = await startNatsServer();
  prefix = `ghost${String(Math.floor(Math.random() * 1e9))}`;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await server.stop();
});

async function startOrchestrator(
  options: CoreOptionsInput,
): Promise<{ engine: OrchestrationEngine; distributor: TaskDistributor }> {
  const container = new Container();
  const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }]);
  // Heartbeats are not what finds the ghost out here: its silence would take a minute to notice.
  container.load(
    createCoreModule({ agents: { heartbeatIntervalMs: 200, missedHeartbeats: 300 }, ...options }, { authenticator }),
    createNatsTransportModule({ kind: 'nats', servers: [server.url], subjectPrefix: prefix }),
  );
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  cleanups.push(() => engine.stop());
  return { engine, distributor: container.get(TaskDistributor) };
}

/** An agent that registers (waiting for its ack on its own subject) and then stops listening there. */
async function registerGhost(agentId: string): Promise<void> {
  const connection = await connect({ servers: server.url });
  cleanups.push(() => connection.close());
  let acknowledged = false;
  const subscription = connection.subscribe(`${prefix}.agent.${agentId}`, {
    callback: (_error, message) => {
      const body = JSON.parse(decoder.decode(message.data)) as { kind?: string } | { kind?: string }[];
      if ((Array.isArray(body) ? body : [body]).some((envelope) => envelope.kind === 'ack')) acknowledged = true;
    },
  });
  const envelope = {
    id: `${agentId}-register`,
    kind: 'agent_register',
    from: `agent.${agentId}`,
    to: 'orchestrator',
    priority: 'normal',
    sentAt: Date.now(),
    payload: { agentId, capabilities: ['work'] },
  };
  connection.publish(`${prefix}.orchestrator`, encoder.encode(JSON.stringify(envelope)));
  await waitUntil(() => acknowledged, 'the ghost to be registered');
  subscription.unsubscribe();
  await connection.flush();
}

async function startAgent(agentId: string): Promise<void> {
  const agent = new SwitchyardAgent(
    { agentId, capabilities: ['work'] },
    new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: prefix }),
    (task) => task.data,
  );
  await agent.start();
  cleanups.push(() => agent.stop());
}

describe('a hand-over nats-server answers with "no responders"', () => {
  it('is not a failed attempt: with maxAttempts 1 the task waits and completes on the next agent', async () => {
    const { engine, distributor } = await startOrchestrator({ tasks: { retry: { maxAttempts: 1 } } });
    await registerGhost('ghost');
    expect(distributor.getAgent('ghost').status).toBe('online');
    const outcome = engine.runTask({
      authToken: TOKEN,
      taskId: 'unheard',
      taskType: 'w',
      requiredCapabilities: ['work'],
      taskData: 'payload',
      senderId: 'spec',
      timeoutMs: 30_000,
    });
    // Nobody listens at the ghost's subject: it is taken for gone, the task waits for another agent.
    await waitUntil(
      () => distributor.getAgent('ghost').status === 'offline' && distributor.getTask('unheard').status === 'queued',
      'the ghost to be marked offline and the task to wait',
    );
    expect(distributor.getTask('unheard')).toMatchObject({
      attempts: 1,
      failures: 0,
      history: [{ agentId: 'ghost', outcome: 'agent_lost', error: { code: 'UNKNOWN_ADDRESS' } }],
    });
    await startAgent('real');
    await expect(outcome).resolves.toMatchObject({ status: 'completed', agentId: 'real', result: 'payload' });
    expect(distributor.getTask('unheard')).toMatchObject({ status: 'completed', attempts: 2, failures: 0 });
  });

  it('counts against maxRedistributions: with none allowed the task is dead-lettered with REDISTRIBUTION_LIMIT', async () => {
    const { engine, distributor } = await startOrchestrator({
      tasks: { retry: { maxAttempts: 5, maxRedistributions: 0 } },
    });
    await registerGhost('ghost');
    await expect(
      engine.runTask({
        authToken: TOKEN,
        taskId: 'limited',
        taskType: 'w',
        requiredCapabilities: ['work'],
        taskData: null,
        senderId: 'spec',
        timeoutMs: 30_000,
      }),
    ).rejects.toMatchObject({
      code: 'TASK_DEAD_LETTERED',
    });
    expect(distributor.getTask('limited')).toMatchObject({
      status: 'dead_lettered',
      failures: 0,
      error: { code: 'REDISTRIBUTION_LIMIT' },
    });
  });
});
