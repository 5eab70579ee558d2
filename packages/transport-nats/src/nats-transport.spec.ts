import type { NatsServerHandle } from '@switchyard/testing';
import { runTransportConformanceSuite, startNatsServer } from '@switchyard/testing';
import { connect } from 'nats';
import { afterAll, beforeAll } from 'vitest';
import { NatsTransport } from './nats-transport.js';

let server: NatsServerHandle;

beforeAll(async () => {
  server = await startNatsServer();
});

afterAll(async () => {
  await server.stop();
});

runTransportConformanceSuite('NATS', () => {
  // A fresh subject prefix per test keeps tests apart on the one server.
  const subjectPrefix = `conformance${String(Math.floor(Math.random() * 1e9))}`;
  return Promise.resolve({
    connect: () => new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix, deliveryTimeoutMs: 2_000 }),
    injectMalformed: async (address, message) => {
      const raw = await connect({ servers: server.url });
      raw.publish(`${subjectPrefix}.${address}`, new TextEncoder().encode(typeof message === 'string' ? message : JSON.stringify(message)));
      raw.publish(`${subjectPrefix}.${address}`, new TextEncoder().encode('{ not json'));
      await raw.flush();
      await raw.close();
    },
    dispose: () => Promise.resolve(),
  });
});
