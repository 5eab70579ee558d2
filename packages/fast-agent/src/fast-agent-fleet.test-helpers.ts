// Helpers for the fast-agent fleet tests: an orchestrator over memory or NATS, batches of tasks, a direct MCP baseline.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CoreOptionsInput, JsonValue, Task } from '@switchyard/core';
import type { Transport } from '@switchyard/core/internal';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { createNatsTransportModule, NatsTransport } from '@switchyard/transport-nats';
import { Container } from 'inversify';

export const FLEET_TOKEN = 'fast-agent-fleet';

export interface FleetOrchestrator {
  readonly engine: OrchestrationEngine;
  readonly distributor: TaskDistributor;
  /** A transport for one more agent on the orchestrator's medium. */
  connect(): Transport;
  stop(): Promise<void>;
}

/** An orchestrator in this process, over the in-memory bus or a real nats-server. */
export async function startFleetOrchestrator(
  medium: { kind: 'memory' } | { kind: 'nats'; url: string },
  core: CoreOptionsInput = {},
): Promise<FleetOrchestrator> {
  const container = new Container();
  const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: FLEET_TOKEN, permissions: ['admin'] }]);
  const bus = new MemoryBus();
  const transportModule =
    medium.kind === 'memory'
      ? createMemoryTransportModule(bus)
      : createNatsTransportModule({ kind: 'nats', servers: [medium.url] });
  container.load(createCoreModule(core, { authenticator }), transportModule);
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  return {
    engine,
    distributor: container.get(TaskDistributor),
    connect: () =>
      medium.kind === 'memory'
        ? new InMemoryTransport(bus)
        : new NatsTransport({ kind: 'nats', servers: [medium.url] }),
    stop: () => engine.stop(),
  };
}

/** One task to run: the capability it needs and the prompt the agent echoes. */
export interface FleetTask {
  readonly capability: string;
  readonly prompt: string;
}

/** Sends every task at once, waits for each one's end (or the timeout), and returns each task as it is then. */
export async function runBatch(
  engine: OrchestrationEngine,
  tasks: readonly FleetTask[],
  timeoutMs: number,
): Promise<Task[]> {
  const created = await Promise.all(
    tasks.map((task) =>
      engine.createTask({
        authToken: FLEET_TOKEN,
        taskType: 'fleet',
        requiredCapabilities: [task.capability],
        taskData: { prompt: task.prompt },
        strategy: 'load_balanced',
      }),
    ),
  );
  return Promise.all(
    created.map((task) =>
      engine
        .executeTask({ authToken: FLEET_TOKEN, taskId: task.id, timeoutMs })
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => engine.getTask({ authToken: FLEET_TOKEN, taskId: task.id })),
    ),
  );
}

/** `count` tasks alternating between the capabilities given. */
export function alternating(count: number, capabilities: readonly string[]): FleetTask[] {
  return Array.from({ length: count }, (_, index) => ({
    capability: capabilities[index % capabilities.length] as string,
    prompt: `task ${String(index)}`,
  }));
}

/** Whether the task completed with its own prompt echoed back. */
export function echoed(task: Task, prompt: string): boolean {
  const result = task.result as { text?: JsonValue } | null;
  return task.status === 'completed' && result?.text === prompt;
}

/**
 * The baseline: `count` tool calls straight to the fast-agent server over `parallelism` MCP
 * sessions (one call per session at a time, as fast-agent wants), alternating between tools.
 * Returns the wall time in ms.
 */
export async function directMcpCalls(
  url: string,
  tools: readonly string[],
  parallelism: number,
  count: number,
): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: parallelism }, async () => {
      const client = new Client({ name: 'direct-baseline', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      return client;
    }),
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let index = next++; index < count; index = next++) {
        const reply = await client.callTool({
          name: tools[index % tools.length] as string,
          arguments: { message: `direct ${String(index)}` },
        });
        if (reply.isError === true)
          throw new Error(`direct call ${String(index)} failed: ${JSON.stringify(reply.content)}`);
      }
    }),
  );
  const elapsed = performance.now() - started;
  await Promise.all(clients.map((client) => client.close()));
  return elapsed;
}
