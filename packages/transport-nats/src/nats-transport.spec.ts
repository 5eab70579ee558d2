import type { SwitchyardError } from '@switchyard/core';
import type { Envelope } from '@switchyard/core/internal';
import { CommunicationError } from '@switchyard/core';
import type { NatsServerHandle } from '@switchyard/testing';
import { runTransportConformanceSuite, startNatsServer, taskRequestEnvelope, waitUntil } from '@switchyard/testing';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      raw.publish(
        `${subjectPrefix}.${address}`,
        new TextEncoder().encode(typeof message === 'string' ? message : JSON.stringify(message)),
      );
      raw.publish(`${subjectPrefix}.${address}`, new TextEncoder().encode('{ not json'));
      await raw.flush();
      await raw.close();
    },
    dispose: () => Promise.resolve(),
  });
});

describe('NATS transport receiving a coalesced message', () => {
  it('delivers every envelope of a JSON array in order and reports the invalid ones', async () => {
    const receiver = new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: 'batch' });
    const problems: SwitchyardError[] = [];
    receiver.onerror = (error) => problems.push(error);
    await receiver.start();
    const sequences: number[] = [];
    await receiver.subscribe('agent.receiver', (envelope) => {
      if (envelope.kind === 'task_request') sequences.push((envelope.payload.data as { sequence: number }).sequence);
    });
    const raw = await connect({ servers: server.url });
    const batch = [
      taskRequestEnvelope('orchestrator', 'agent.receiver', 1),
      { kind: 'bogus' },
      taskRequestEnvelope('orchestrator', 'agent.receiver', 2),
    ];
    raw.publish('batch.agent.receiver', new TextEncoder().encode(JSON.stringify(batch)));
    await raw.flush();
    await waitUntil(
      () => sequences.length === 2 && problems.length === 1,
      'both valid envelopes arrive and the bogus one is reported',
    );
    expect(sequences).toEqual([1, 2]);
    expect(problems[0]?.code).toBe('MALFORMED_MESSAGE');
    await raw.close();
    await receiver.stop();
  });
});

describe('NATS transport sending', () => {
  it('coalesces the envelopes of one tick for one subject into one NATS message, in order, and sends a lone envelope at once', async () => {
    const sender = new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: 'coalesce' });
    await sender.start();
    const raw = await connect({ servers: server.url });
    const bodies: unknown[] = [];
    raw.subscribe('coalesce.agent.receiver', {
      callback: (_error, message) => bodies.push(JSON.parse(new TextDecoder().decode(message.data))),
    });
    await raw.flush();
    await Promise.all([
      sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 1)),
      sender.publish(taskRequestEnvelope('orchestrator', 'agent.receiver', 2)),
      sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 3)),
    ]);
    await sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 4));
    await waitUntil(() => bodies.length === 2, 'two NATS messages arrive');
    const sequences = (body: unknown): number[] =>
      (Array.isArray(body) ? body : [body]).map(
        (envelope) => (envelope as { payload: { data: { sequence: number } } }).payload.data.sequence,
      );
    expect(bodies.map(sequences)).toEqual([[1, 2, 3], [4]]);
    expect(Array.isArray(bodies[1])).toBe(false);
    await raw.close();
    await sender.stop();
  });
});

describe('NATS transport encoding a batch', () => {
  it('splits a batch too big for one message into several, in order', async () => {
    const sender = new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: 'split' });
    await sender.start();
    const raw = await connect({ servers: server.url });
    const bodies: unknown[] = [];
    raw.subscribe('split.agent.receiver', {
      callback: (_error, message) => bodies.push(JSON.parse(new TextDecoder().decode(message.data))),
    });
    await raw.flush();
    // 40 envelopes of ~10 kB each: more than one message may carry (128 k characters).
    const envelopes = Array.from({ length: 40 }, (_, index) => {
      const envelope = taskRequestEnvelope('orchestrator', 'agent.receiver', index);
      if (envelope.kind === 'task_request') envelope.payload.data = { sequence: index, padding: 'x'.repeat(10_000) };
      return envelope;
    });
    await Promise.all(envelopes.map((envelope) => sender.send(envelope)));
    await raw.flush();
    await waitUntil(() => bodies.flat().length === 40, 'every envelope arrives');
    expect(bodies.length).toBeGreaterThan(1);
    expect(
      bodies.flat().map((envelope) => (envelope as { payload: { data: { sequence: number } } }).payload.data.sequence),
    ).toEqual(Array.from({ length: 40 }, (_, index) => index));
    await raw.close();
    await sender.stop();
  });

  it('carries a burst of many small envelopes in several messages of at most 256, in order', async () => {
    const sender = new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: 'burst' });
    await sender.start();
    const raw = await connect({ servers: server.url });
    const bodies: unknown[][] = [];
    raw.subscribe('burst.agent.receiver', {
      callback: (_error, message) => bodies.push([JSON.parse(new TextDecoder().decode(message.data))].flat()),
    });
    await raw.flush();
    await Promise.all(
      Array.from({ length: 600 }, (_, index) =>
        sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', index)),
      ),
    );
    await raw.flush();
    await waitUntil(() => bodies.flat().length === 600, 'every envelope arrives');
    expect(bodies.map((body) => body.length)).toEqual([256, 256, 88]);
    expect(
      bodies.flat().map((envelope) => (envelope as { payload: { data: { sequence: number } } }).payload.data.sequence),
    ).toEqual(Array.from({ length: 600 }, (_, index) => index));
    await raw.close();
    await sender.stop();
  });

  it('fails only the send of an envelope that cannot be encoded and delivers the rest of its batch', async () => {
    const sender = new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: 'unencodable' });
    const problems: SwitchyardError[] = [];
    sender.onerror = (error) => problems.push(error);
    await sender.start();
    const raw = await connect({ servers: server.url });
    const bodies: unknown[] = [];
    raw.subscribe('unencodable.agent.receiver', {
      callback: (_error, message) => bodies.push(JSON.parse(new TextDecoder().decode(message.data))),
    });
    await raw.flush();
    const bad = taskRequestEnvelope('orchestrator', 'agent.receiver', 2);
    // A BigInt is no JSON: the type system would refuse it, a careless caller might not.
    if (bad.kind === 'task_request') bad.payload.data = { sequence: 2n } as unknown as { sequence: number };
    const results = await Promise.allSettled([
      sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 1)),
      sender.send(bad),
      sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 3)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const [, refused] = results;
    expect(refused.status === 'rejected' ? (refused.reason as SwitchyardError).code : undefined).toBe(
      'DELIVERY_FAILED',
    );
    expect(problems.map((problem) => problem.code)).toEqual(['DELIVERY_FAILED']);
    await waitUntil(() => bodies.length === 1, 'the batch arrives without the bad envelope');
    expect(
      (bodies[0] as { payload: { data: { sequence: number } } }[]).map((envelope) => envelope.payload.data.sequence),
    ).toEqual([1, 3]);
    await raw.close();
    await sender.stop();
  });
});

describe('NATS transport sending detached', () => {
  it('tells the sender of an envelope that cannot be encoded, once, and delivers the rest of its batch', async () => {
    const sender = new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: 'detached' });
    const problems: SwitchyardError[] = [];
    sender.onerror = (error) => problems.push(error);
    await sender.start();
    const raw = await connect({ servers: server.url });
    const bodies: unknown[] = [];
    raw.subscribe('detached.agent.receiver', {
      callback: (_error, message) => bodies.push(JSON.parse(new TextDecoder().decode(message.data))),
    });
    await raw.flush();
    const bad = taskRequestEnvelope('orchestrator', 'agent.receiver', 2);
    if (bad.kind === 'task_request') bad.payload.data = { sequence: 2n } as unknown as { sequence: number };
    const told: string[] = [];
    const onFailure = (envelope: Envelope, error: Error): void => {
      told.push(
        `${envelope === bad ? 'bad' : 'good'} ${error instanceof CommunicationError ? error.code : String(error)}`,
      );
    };
    for (const envelope of [
      taskRequestEnvelope('orchestrator', 'agent.receiver', 1),
      bad,
      taskRequestEnvelope('orchestrator', 'agent.receiver', 3),
    ])
      sender.sendDetached(envelope, onFailure);
    await waitUntil(
      () => bodies.length === 1 && told.length === 1,
      'the batch arrives and the bad envelope is reported',
    );
    expect(
      (bodies[0] as { payload: { data: { sequence: number } } }[]).map((envelope) => envelope.payload.data.sequence),
    ).toEqual([1, 3]);
    await sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 4));
    expect(told).toEqual(['bad DELIVERY_FAILED']);
    expect(problems.map((problem) => problem.code)).toEqual(['DELIVERY_FAILED']);
    await raw.close();
    await sender.stop();
  });
});

describe('NATS transport when nats-server stops answering', () => {
  it('fails each waiting send with TIMEOUT after deliveryTimeoutMs, also sends made later and detached ones', async () => {
    // Just enough of a NATS server: INFO, then PONG to every PING until muted.
    let muted = false;
    const fake = createServer((socket) => {
      socket.write('INFO {"server_id":"fake","version":"2.9.10","headers":true,"max_payload":1048576,"proto":1}\r\n');
      socket.on('data', (data) => {
        const pings = data.toString().split('PING\r\n').length - 1;
        if (!muted) for (let index = 0; index < pings; index++) socket.write('PONG\r\n');
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const { port } = fake.address() as AddressInfo;
    const sender = new NatsTransport({
      kind: 'nats',
      servers: [`nats://127.0.0.1:${String(port)}`],
      subjectPrefix: 'mute',
      deliveryTimeoutMs: 150,
      reconnect: { enabled: false },
    });
    await sender.start();
    await sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 1));
    muted = true;
    const started = performance.now();
    const first = sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 2));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const second = sender.send(taskRequestEnvelope('orchestrator', 'agent.receiver', 3));
    const detached: string[] = [];
    sender.sendDetached(taskRequestEnvelope('orchestrator', 'agent.receiver', 4), (_envelope, error) =>
      detached.push(error instanceof CommunicationError ? error.code : String(error)),
    );
    const results = await Promise.allSettled([
      first.then(() => performance.now() - started),
      second.then(() => performance.now() - started),
    ]);
    const codes = results.map((result) =>
      result.status === 'rejected' ? (result.reason as SwitchyardError).code : 'delivered',
    );
    expect(codes).toEqual(['TIMEOUT', 'TIMEOUT']);
    await waitUntil(() => detached.length === 1, 'the detached send is told too');
    expect(detached).toEqual(['TIMEOUT']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    await sender.stop();
    await new Promise((resolve) => fake.close(resolve));
  });
});

describe('NATS transport packing runs', () => {
  it('packs runs for the orchestrator and for senders of runs, sends arrays to anyone else, and forgets an address nobody listens at', async () => {
    const prefix = 'runs';
    const transport = new NatsTransport({ kind: 'nats', servers: [server.url], subjectPrefix: prefix });
    await transport.start();
    await transport.subscribe('orchestrator', () => undefined);
    const raw = await connect({ servers: server.url });
    const shapes: string[] = [];
    const shapeOf = (message: { data: Uint8Array }): string => {
      const body = JSON.parse(new TextDecoder().decode(message.data)) as unknown;
      return Array.isArray(body)
        ? 'array'
        : typeof body === 'object' && body !== null && 'payloads' in body
          ? 'run'
          : 'envelope';
    };
    let agentSubscription = raw.subscribe(`${prefix}.agent.x`, {
      callback: (_error, message) => shapes.push(`agent.x ${shapeOf(message)}`),
    });
    raw.subscribe(`${prefix}.orchestrator`, {
      callback: (_error, message) => shapes.push(`orchestrator ${shapeOf(message)}`),
    });
    await raw.flush();
    const sentAt = Date.now();
    const threeTo = (to: string, from = 'agent.x'): Promise<unknown> =>
      Promise.all([1, 2, 3].map((sequence) => transport.send({ ...taskRequestEnvelope(from, to, sequence), sentAt })));

    await threeTo('agent.x', 'orchestrator');
    await threeTo('orchestrator');
    await waitUntil(() => shapes.length === 2, 'both batches arrive');
    expect(shapes.splice(0)).toEqual(['agent.x array', 'orchestrator run']);

    // agent.x sends a packed run: now it gets them.
    const run = {
      id: 'x-1',
      kind: 'task_request',
      from: 'agent.x',
      to: 'orchestrator',
      priority: 'normal',
      sentAt,
      payloads: [1, 2].map((sequence) => taskRequestEnvelope('agent.x', 'orchestrator', sequence).payload),
    };
    raw.publish(`${prefix}.orchestrator`, new TextEncoder().encode(JSON.stringify(run)));
    await raw.flush();
    await waitUntil(() => shapes.length === 1, 'the run passes by');
    shapes.length = 0;
    await threeTo('agent.x', 'orchestrator');
    await waitUntil(() => shapes.length === 1, 'the batch arrives');
    expect(shapes.splice(0)).toEqual(['agent.x run']);

    // Whoever listens at agent.x next may not read runs.
    agentSubscription.unsubscribe();
    await raw.flush();
    await expect(transport.send(taskRequestEnvelope('orchestrator', 'agent.x', 9))).rejects.toMatchObject({
      code: 'UNKNOWN_ADDRESS',
    });
    agentSubscription = raw.subscribe(`${prefix}.agent.x`, {
      callback: (_error, message) => shapes.push(`agent.x ${shapeOf(message)}`),
    });
    await raw.flush();
    await threeTo('agent.x', 'orchestrator');
    await waitUntil(() => shapes.length === 1, 'the batch arrives');
    expect(shapes).toEqual(['agent.x array']);
    await raw.close();
    await transport.stop();
  });
});
