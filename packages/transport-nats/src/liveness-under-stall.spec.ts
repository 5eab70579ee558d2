// No false deaths: an agent in another process heartbeats on time while the orchestrator's
// event loop is stalled; once the loop runs again the agent must not be judged silent.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DistributionEvent } from '@switchyard/core';
import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import { TaskDistributor } from '@switchyard/core/internal';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsTransportModule } from './create-nats-transport-module.js';

const PREFIX = 'stall';
/** A heartbeating agent written against docs/protocol.md with the plain nats client, in its own process. */
const AGENT_SCRIPT = `
import { connect } from 'nats';
const [url, prefix] = process.argv.slice(1);
const nc = await connect({ servers: url });
const session = 'steady-session-' + Math.random().toString(36).slice(2, 12);
const envelope = (n, kind, payload) => JSON.stringify({ id: 'steady-' + n, kind, from: 'agent.steady', to: 'orchestrator', priority: 'normal', sentAt: Date.now(), payload });
nc.subscribe(prefix + '.agent.steady', { callback: () => {} });
nc.publish(prefix + '.orchestrator', envelope(0, 'agent_register', { agentId: 'steady', capabilities: ['work'], instanceId: 'steady-run', session }));
let n = 1;
setInterval(() => nc.publish(prefix + '.orchestrator', envelope(n++, 'agent_status', { agentId: 'steady', status: 'online', currentLoad: 0, session })), 50);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

let server: NatsServerHandle;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server.stop();
});

/** Keeps the event loop busy, as a huge response or a flood would. */
function stallFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

describe('liveness while the orchestrator is stalled', () => {
  it('does not mark an agent offline for heartbeats that arrived while the event loop was busy', async () => {
    const container = new Container();
    const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: 't', permissions: ['admin'] }]);
    container.load(
      createCoreModule({ agents: { heartbeatIntervalMs: 100, missedHeartbeats: 3 } }, { authenticator }),
      createNatsTransportModule({ kind: 'nats', servers: [server.url], subjectPrefix: PREFIX }),
    );
    const engine = container.get(OrchestrationEngine);
    const distributor = container.get(TaskDistributor);
    const events: DistributionEvent[] = [];
    engine.onEvent((event) => events.push(event));
    await engine.start();
    const agent: ChildProcess = spawn(
      process.execPath,
      ['--input-type=module', '-e', AGENT_SCRIPT, server.url, PREFIX],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        stdio: ['pipe', 'inherit', 'inherit'],
      },
    );
    try {
      await waitUntil(
        () => distributor.hasAgent('steady') && distributor.getAgent('steady').status === 'online',
        'the agent in the other process joins',
        30_000,
      );
      for (let round = 0; round < 3; round++) {
        stallFor(1_500);
        const after = Date.now();
        // Several liveness ticks after the stall, with heartbeats read in between.
        await waitUntil(
          () => Date.parse(distributor.getAgent('steady').lastSeenAt) > after + 500,
          'heartbeats are read again',
          30_000,
        );
      }
      expect(events.filter((event) => event.type === 'agent_status_changed' && event.agent.id === 'steady')).toEqual(
        [],
      );
      expect(engine.recentLoopLagMs).toBeGreaterThanOrEqual(0);
    } finally {
      agent.stdin?.end();
      agent.kill();
      await engine.stop();
    }
  });
});
