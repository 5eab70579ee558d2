import type { TaskProgressEvent } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { SwitchyardAgent } from '@switchyard/agent';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer } from '@switchyard/testing';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNatsTransportModule } from './create-nats-transport-module.js';
import { NatsTransport } from './nats-transport.js';

const TOKEN = 'progress-spec';

let server: NatsServerHandle;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  server = await startNatsServer();
});

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await server.stop();
});

async function orchestrator(): Promise<OrchestrationEngine> {
  const container = new Container();
  const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }]);
  container.load(
    createCoreModule({}, { authenticator }),
    createNatsTransportModule({ kind: 'nats', servers: [server.url] }),
  );
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  stops.push(() => engine.stop());
  return engine;
}

describe('progress over NATS: an SDK agent in its own connection, the orchestrator’s callers', () => {
  it('runTask’s onProgress and onTaskProgress hear each report before the result', async () => {
    const engine = await orchestrator();
    const agent = new SwitchyardAgent(
      { agentId: 'nats-worker', capabilities: ['work'], progressIntervalMs: 0 },
      new NatsTransport({ kind: 'nats', servers: [server.url] }),
      async (task, context) => {
        // No coalescing (interval 0): each report goes out, ahead of the answer on the same connection.
        for (let done = 1; done <= 3; done++) {
          context.progress({ message: `step ${String(done)}`, fraction: done / 3, partial: { done } });
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        return { finished: task.id };
      },
    );
    await agent.start();
    stops.push(() => agent.stop());
    const everyTask: TaskProgressEvent[] = [];
    engine.onTaskProgress((event) => everyTask.push(event));
    const heard: TaskProgressEvent[] = [];
    let settled = false;
    const running = engine
      .runTask({
        authToken: TOKEN,
        taskId: 'over-nats',
        taskType: 'work',
        requiredCapabilities: ['work'],
        taskData: null,
        senderId: 'spec',
        onProgress: (event) => {
          expect(settled).toBe(false);
          heard.push(event);
        },
      })
      .finally(() => {
        settled = true;
      });
    const result = await running;
    expect(result.result).toEqual({ finished: 'over-nats' });
    expect(heard.map((event) => [event.message, event.fraction, event.partial])).toEqual([
      ['step 1', 1 / 3, { done: 1 }],
      ['step 2', 2 / 3, { done: 2 }],
      ['step 3', 1, { done: 3 }],
    ]);
    expect(everyTask).toEqual(heard);
    expect((await engine.getTask({ authToken: TOKEN, taskId: 'over-nats' })).progress).toMatchObject({
      message: 'step 3',
      agentId: 'nats-worker',
    });
  });
});
