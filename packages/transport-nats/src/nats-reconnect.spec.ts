import type { SwitchyardError } from '@switchyard/core';
import type { Envelope } from '@switchyard/core/internal';
import { startNatsServer, taskRequestEnvelope, waitUntil } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { NatsTransport } from './nats-transport.js';

describe('NATS transport when the server goes away', () => {
  it('reports the loss, refuses sends with TRANSPORT_CLOSED while down, and resumes by itself', async () => {
    let server = await startNatsServer();
    const options = {
      kind: 'nats' as const,
      servers: [server.url],
      subjectPrefix: 'reconnect',
      reconnect: { waitMs: 50, jitterMs: 0 },
      deliveryTimeoutMs: 1_000,
    };
    const sender = new NatsTransport(options);
    const receiver = new NatsTransport(options);
    const problems: SwitchyardError[] = [];
    sender.onerror = (error) => problems.push(error);
    const received: Envelope[] = [];
    await sender.start();
    await receiver.start();
    await receiver.subscribe('agent.receiver', (envelope) => {
      received.push(envelope);
    });
    await sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 1));
    await waitUntil(() => received.length === 1, 'the first envelope arrives');

    const port = server.port;
    await server.stop();
    await waitUntil(
      () => problems.some((problem) => problem.message.startsWith('Lost the NATS connection')),
      'the loss is reported',
    );
    await expect(sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 2))).rejects.toMatchObject({
      code: 'TRANSPORT_CLOSED',
    });

    server = await startNatsServer({ port });
    try {
      // Both connections come back and the receiver's subscription is restored by the client.
      await waitUntil(
        () => {
          sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 3)).catch(() => undefined);
          return received.length >= 2;
        },
        'sending works again',
        10_000,
      );
      expect(received.at(-1)?.kind).toBe('task_request');
    } finally {
      await sender.stop();
      await receiver.stop();
      await server.stop();
    }
  });
});
