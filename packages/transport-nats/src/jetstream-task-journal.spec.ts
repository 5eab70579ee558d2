import { SwitchyardAgent } from '@switchyard/agent';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import { Container } from 'inversify';
import { connect } from 'nats';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJetStreamDurabilityModule } from './create-jetstream-durability-module.js';
import { createNatsTransportModule } from './create-nats-transport-module.js';
import { NatsTransport } from './nats-transport.js';

const TOKEN = 'journal-spec-token';

interface Orchestrator {
  readonly engine: OrchestrationEngine;
  readonly distributor: TaskDistributor;
}

describe('JetStream durability: several orchestrators on one NATS', () => {
  let server: NatsServerHandle;
  let prefix: string;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    server = await startNatsServer();
    prefix = `journal${String(Math.floor(Math.random() * 1e9))}`;
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    await server.stop();
  });

  async function startOrchestrator(orchestratorId: string): Promise<Orchestrator> {
    const transport = { kind: 'nats' as const, servers: [server.url], subjectPrefix: prefix };
    const container = new Container();
    const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }]);
    container.load(
      createCoreModule({ agents: { heartbeatIntervalMs: 200, missedHeartbeats: 3 } }, { authenticator }),
      createNatsTransportModule(transport),
      createJetStreamDurabilityModule(transport, { kind: 'jetstream', orchestratorId, ackWaitMs: 2_000 }),
    );
    const engine = container.get(OrchestrationEngine);
    await engine.start();
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await engine.stop();
    });
    return {
      engine,
      distributor: container.get(TaskDistributor),
      // Tests stop an orchestrator on purpose; the cleanup must not stop it twice.
      ...{ markStopped: () => (stopped = true) },
    };
  }

  async function startAgent(
    agentId: string,
    handler: (data: unknown) => unknown,
  ): Promise<{ executions: string[]; agent: SwitchyardAgent }> {
    const executions: string[] = [];
    const agent = new SwitchyardAgent(
      { agentId, capabilities: ['work'], capacity: 50 },
      new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: prefix }),
      async (task) => {
        executions.push(task.id);
        return (await handler(task.data)) as never;
      },
    );
    await agent.start();
    cleanups.push(() => agent.stop());
    return { executions, agent };
  }

  function distribute(
    orchestrator: Orchestrator,
    taskId: string,
    priority: 'low' | 'normal' | 'high' | 'critical' = 'normal',
  ) {
    return orchestrator.engine.distributeTask({
      authToken: TOKEN,
      taskId,
      taskType: 'echo',
      requiredCapabilities: ['work'],
      taskData: { taskId },
      senderId: 'spec',
      priority,
    });
  }

  it('shares the work: every task submitted to either orchestrator completes exactly once, readable from both', async () => {
    const first = await startOrchestrator('orch-a');
    const second = await startOrchestrator('orch-b');
    const { executions } = await startAgent('worker', (data) => data);
    await waitUntil(
      () => first.distributor.listAgents().length === 1 && second.distributor.listAgents().length === 1,
      'both orchestrators know the agent',
    );

    const ids = Array.from({ length: 40 }, (_, index) => `shared-${String(index)}`);
    const assignments = await Promise.all(ids.map((id, index) => distribute(index % 2 === 0 ? first : second, id)));
    expect(new Set(assignments.map((assignment) => assignment.status))).toEqual(new Set(['queued']));
    const results = await Promise.all(
      ids.map((taskId, index) =>
        (index % 2 === 0 ? second : first).engine.executeTask({ authToken: TOKEN, taskId, timeoutMs: 20_000 }),
      ),
    );
    expect(results.map((result) => result.result)).toEqual(ids.map((taskId) => ({ taskId })));
    expect(executions.sort()).toEqual([...ids].sort());
    await expect(first.engine.getTask({ authToken: TOKEN, taskId: 'shared-1' })).resolves.toMatchObject({
      status: 'completed',
      attempts: 1,
    });
  });

  it('treats a resubmitted task id as the same task', async () => {
    const first = await startOrchestrator('orch-a');
    const second = await startOrchestrator('orch-b');
    const { executions } = await startAgent('worker', (data) => data);
    await waitUntil(() => second.distributor.listAgents().length === 1, 'the agent is known');
    await distribute(first, 'once');
    await expect(distribute(second, 'once')).rejects.toMatchObject({ code: 'TASK_ALREADY_EXISTS' });
    await expect(
      second.engine.executeTask({ authToken: TOKEN, taskId: 'once', timeoutMs: 10_000 }),
    ).resolves.toMatchObject({ status: 'completed' });
    expect(executions).toEqual(['once']);
  });

  it('carries on the tasks of an orchestrator that stops while its agent is working, completing each once', async () => {
    const leaving = (await startOrchestrator('orch-leaving')) as Orchestrator & { markStopped(): void };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { executions } = await startAgent('slow', async (data) => {
      await gate;
      return data;
    });
    await waitUntil(() => leaving.distributor.listAgents().length === 1, 'the agent is known');
    const ids = ['carried-1', 'carried-2', 'carried-3'];
    for (const id of ids) await distribute(leaving, id, 'high');
    await waitUntil(() => executions.length === 3, 'the agent holds all three');

    leaving.markStopped();
    await leaving.engine.stop();
    const staying = await startOrchestrator('orch-staying');
    release();
    const results = await Promise.all(
      ids.map((taskId) => staying.engine.executeTask({ authToken: TOKEN, taskId, timeoutMs: 20_000 })),
    );
    expect(results.map((result) => result.status)).toEqual(['completed', 'completed', 'completed']);
    // The agent's answers reached the orchestrator that took over: nothing ran twice.
    expect(executions.sort()).toEqual(ids);
  });

  it('carries on after nats-server restarts: new work is taken and callers on the other orchestrator are woken', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'switchyard-journal-'));
    cleanups.push(() => rm(storeDir, { recursive: true, force: true }));
    await server.stop();
    server = await startNatsServer({ storeDir });
    const first = await startOrchestrator('orch-a');
    const second = await startOrchestrator('orch-b');
    await startAgent('worker', (data) => data);
    await waitUntil(
      () => first.distributor.listAgents().length === 1 && second.distributor.listAgents().length === 1,
      'both know the agent',
    );
    await distribute(first, 'before');
    await expect(
      second.engine.executeTask({ authToken: TOKEN, taskId: 'before', timeoutMs: 10_000 }),
    ).resolves.toMatchObject({ status: 'completed' });

    const port = server.port;
    await server.stop();
    server = await startNatsServer({ port, storeDir });
    const ids = Array.from({ length: 12 }, (_, index) => `after-${String(index)}`);
    // Until JetStream is back a submission fails with a typed error; the client tries again, as a client would.
    for (const [index, id] of ids.entries()) {
      for (let tries = 0; ; tries++) {
        const outcome = await distribute(index % 2 === 0 ? first : second, id).catch((error: unknown) => error);
        if (!(outcome instanceof Error)) break;
        expect(outcome).toMatchObject({ name: 'CommunicationError' });
        if (tries > 100) throw outcome;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const results = await Promise.all(
      ids.map((taskId, index) =>
        (index % 2 === 0 ? second : first).engine.executeTask({ authToken: TOKEN, taskId, timeoutMs: 30_000 }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(ids.map(() => 'completed'));
  });

  it('drops a malformed work item without adopting anything', async () => {
    const orchestrator = await startOrchestrator('orch-a');
    const connection = await connect({ servers: server.url });
    cleanups.push(() => connection.close());
    await connection.jetstream().publish(`${prefix}.work.normal`, new TextEncoder().encode('{"id":"no good"}'));
    await startAgent('worker', (data) => data);
    await waitUntil(() => orchestrator.distributor.listAgents().length === 1, 'the agent is known');
    await distribute(orchestrator, 'after-garbage');
    await expect(
      orchestrator.engine.executeTask({ authToken: TOKEN, taskId: 'after-garbage', timeoutMs: 10_000 }),
    ).resolves.toMatchObject({ status: 'completed' });
    expect(orchestrator.distributor.listTasks().map((task) => task.id)).toEqual(['after-garbage']);
  });
});
