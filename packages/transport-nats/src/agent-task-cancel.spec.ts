import type { AgentSnapshot, CoreOptionsInput, JsonValue, Logger, LogFields } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import type { AgentTask, TaskContext } from '@switchyard/agent';
import { SwitchyardAgent } from '@switchyard/agent';
import type { NatsServerHandle } from '@switchyard/testing';
import { deferred, startNatsServer, waitUntil } from '@switchyard/testing';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNatsTransportModule } from './create-nats-transport-module.js';
import { NatsTransport } from './nats-transport.js';

const TOKEN = 'cancel-spec';
/** Generous: the attempt must outlast a loaded machine's hand-over, and nothing here waits for it to pass idly. */
const ATTEMPT_TIMEOUT_MS = 3_000;

class RecordingLogger implements Logger {
  readonly warnings: { message: string; fields: LogFields | undefined }[] = [];
  debug(): void {}
  info(): void {}
  warn(message: string, fields?: LogFields): void {
    this.warnings.push({ message, fields });
  }
  error(): void {}
}

let server: NatsServerHandle;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  server = await startNatsServer();
});

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await server.stop();
});

async function orchestrator(options: CoreOptionsInput = {}): Promise<OrchestrationEngine> {
  const container = new Container();
  const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }]);
  container.load(
    createCoreModule(
      {
        tasks: { attemptTimeoutMs: ATTEMPT_TIMEOUT_MS, retry: { maxAttempts: 1 } },
        agents: { heartbeatIntervalMs: 250, missedHeartbeats: 40 },
        ...options,
      },
      { authenticator },
    ),
    createNatsTransportModule({ kind: 'nats', servers: [server.url] }),
  );
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  stops.push(() => engine.stop());
  return engine;
}

/** Polls the orchestrator's view of an agent until it satisfies `holds` (the agent's heartbeat brings it there). */
async function orchestratorSees(
  engine: OrchestrationEngine,
  agentId: string,
  holds: (agent: AgentSnapshot) => boolean,
  description: string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const agent = (await engine.listAgents({ authToken: TOKEN })).find((each) => each.id === agentId);
    if (agent !== undefined && holds(agent)) return;
    if (Date.now() > deadline) throw new Error(`the orchestrator never saw ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A handler that hangs: until its signal aborts (`honours`), or until the test lets it go. */
function hangingHandler(honours: boolean, started: AgentTask[], letGo: Promise<void>) {
  return (task: AgentTask, context: TaskContext): Promise<JsonValue> => {
    started.push(task);
    return new Promise((resolve, reject) => {
      if (honours) {
        context.signal.addEventListener('abort', () => {
          reject(context.signal.reason as Error);
        });
      }
      void letGo.then(() => {
        resolve('finally');
      });
    });
  };
}

async function startAgent(
  agentId: string,
  handler: ConstructorParameters<typeof SwitchyardAgent>[2],
  logger: Logger,
  cancelGraceMs = 200,
): Promise<SwitchyardAgent> {
  const agent = new SwitchyardAgent(
    { agentId, capabilities: ['work'], capacity: 2, cancelGraceMs },
    new NatsTransport({ kind: 'nats', servers: [server.url] }),
    handler,
    logger,
  );
  await agent.start();
  stops.push(() => agent.stop());
  return agent;
}

describe('task_cancel over NATS', () => {
  it('frees the slots of hung handlers that honour their signal once their attempts time out', async () => {
    const engine = await orchestrator();
    const started: AgentTask[] = [];
    const never = deferred();
    const agent = await startAgent('hangs', hangingHandler(true, started, never.promise), new RecordingLogger());
    const outcomes = [0, 1].map((n) =>
      engine
        .runTask({
          authToken: TOKEN,
          taskId: `hung-${String(n)}`,
          taskType: 'w',
          requiredCapabilities: ['work'],
          senderId: 'spec',
          timeoutMs: 30_000,
        })
        .catch((error: unknown) => error),
    );
    await waitUntil(() => agent.load === 2, 'both tasks run', 10_000);
    expect(await Promise.all(outcomes)).toMatchObject([{ code: 'TASK_DEAD_LETTERED' }, { code: 'TASK_DEAD_LETTERED' }]);
    // Told by task_cancel, each handler aborted: the agent is free again, and says so.
    await waitUntil(() => agent.load === 0, 'the agent freed both slots', 10_000);
    await orchestratorSees(engine, 'hangs', (seen) => seen.load === 0, 'the agent free');
    expect(agent.stuckTasks).toBe(0);
    expect(started.map((task) => task.id).sort()).toEqual(['hung-0', 'hung-1']);
  });

  it('reports a handler that ignores its cancellation as stuck, keeping its slot, until it settles', async () => {
    const engine = await orchestrator();
    const logger = new RecordingLogger();
    const letGo = deferred();
    const agent = await startAgent('stubborn', hangingHandler(false, [], letGo.promise), logger);
    await expect(
      engine.runTask({
        authToken: TOKEN,
        taskId: 'ignored',
        taskType: 'w',
        requiredCapabilities: ['work'],
        senderId: 'spec',
        timeoutMs: 30_000,
      }),
    ).rejects.toMatchObject({
      code: 'TASK_DEAD_LETTERED',
    });
    await waitUntil(() => agent.stuckTasks === 1, 'the handler is reported stuck', 10_000);
    expect(agent.load).toBe(1);
    expect(
      logger.warnings.some((warning) => warning.message.includes('stuck') && warning.fields?.taskId === 'ignored'),
    ).toBe(true);
    // The heartbeat carries it to the orchestrator (and so to /metrics).
    await orchestratorSees(
      engine,
      'stubborn',
      (seen) => seen.stuckTasks === 1 && seen.load === 1,
      'one stuck task still in the load',
    );
    letGo.resolve();
    await waitUntil(
      () => agent.load === 0 && agent.stuckTasks === 0,
      'the slot is freed when the handler settles',
      10_000,
    );
    await orchestratorSees(
      engine,
      'stubborn',
      (seen) => seen.stuckTasks === 0 && seen.load === 0,
      'the stuck task gone',
    );
    // Its answer was not sent: nobody wanted it, so the orchestrator had nothing to refuse.
    expect(agent.refusedAnswers).toBe(0);
  });

  it('aborts the handler of a task cancelled through the engine, and the caller gets TASK_CANCELLED', async () => {
    const engine = await orchestrator({ tasks: { attemptTimeoutMs: 60_000 } });
    const started: AgentTask[] = [];
    const reasons: string[] = [];
    const handler = (task: AgentTask, context: TaskContext): Promise<JsonValue> =>
      new Promise((_resolve, reject) => {
        started.push(task);
        context.signal.addEventListener('abort', () => {
          reasons.push((context.signal.reason as Error).message);
          reject(context.signal.reason as Error);
        });
      });
    const agent = await startAgent('worker', handler, new RecordingLogger());
    const outcome = engine
      .runTask({
        authToken: TOKEN,
        taskId: 'to-cancel',
        taskType: 'w',
        requiredCapabilities: ['work'],
        senderId: 'spec',
      })
      .catch((error: unknown) => error);
    await waitUntil(() => started.length === 1, 'the handler runs', 10_000);
    await expect(
      engine.cancelTask({ authToken: TOKEN, taskId: 'to-cancel', reason: 'user pressed stop' }),
    ).resolves.toMatchObject({ status: 'cancelled' });
    expect(await outcome).toMatchObject({ code: 'TASK_CANCELLED' });
    await waitUntil(
      () => reasons.length === 1 && agent.load === 0,
      'the handler was aborted and its slot freed',
      10_000,
    );
    expect(reasons[0]).toBe('TASK_CANCELLED: user pressed stop');
    expect(await engine.getTask({ authToken: TOKEN, taskId: 'to-cancel' })).toMatchObject({ status: 'cancelled' });
  });
});
