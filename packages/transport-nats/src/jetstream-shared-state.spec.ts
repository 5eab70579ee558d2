import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer } from '@switchyard/testing';
import { CommunicationError } from '@switchyard/core';
import { connect } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JetStreamSharedState } from './jetstream-shared-state.js';

const text = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : new TextDecoder().decode(value);
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('JetStreamSharedState: services.sharedState on NATS', () => {
  let server: NatsServerHandle;
  let prefix: string;
  const opened: JetStreamSharedState[] = [];

  beforeEach(async () => {
    server = await startNatsServer();
    prefix = `shared${String(Math.floor(Math.random() * 1e9))}`;
  });

  afterEach(async () => {
    for (const state of opened.splice(0)) await state.close();
    await server.stop();
  });

  function sharedState(servers = [server.url]): JetStreamSharedState {
    const state = new JetStreamSharedState({ kind: 'nats', servers, subjectPrefix: prefix, connectTimeoutMs: 2_000 });
    opened.push(state);
    return state;
  }

  it('lets one orchestrator read what another put, the last put of a key winning, listed by prefix', async () => {
    const first = sharedState();
    const second = sharedState();
    expect(first.bucket).toBe(`${prefix}_shared`);
    await first.put('strategy.learned.a', bytes('one'));
    await second.put('strategy.learned.b', bytes('two'));
    await second.put('strategy.learned.a', bytes('three'));
    await second.put('strategy.other.c', bytes('elsewhere'));
    expect(text(await first.get('strategy.learned.a'))).toBe('three');
    expect(await first.get('strategy.learned.missing')).toBeUndefined();
    const listed = await first.entries('strategy.learned');
    expect(new Map([...listed].map(([key, value]) => [key, text(value)]))).toEqual(
      new Map([
        ['strategy.learned.a', 'three'],
        ['strategy.learned.b', 'two'],
      ]),
    );
    expect((await first.entries('strategy.nobody')).size).toBe(0);
    // A value nobody puts again is dropped after a day (the bucket's max age).
    const inspector = await connect({ servers: server.url });
    const status = await (await inspector.jetstream().views.kv(first.bucket)).status();
    await inspector.close();
    expect(status.ttl).toBe(24 * 3_600_000);
  });

  it('rejects every call when no server answers, and works once one does (a failed open is retried)', async () => {
    const port = server.port;
    await server.stop();
    const state = sharedState([`nats://127.0.0.1:${String(port)}`]);
    await expect(state.get('k')).rejects.toThrow();
    server = await startNatsServer({ port });
    await state.put('k', bytes('back'));
    expect(text(await state.get('k'))).toBe('back');
  });

  it('refuses calls after close with TRANSPORT_CLOSED', async () => {
    const state = sharedState();
    await state.put('k', bytes('v'));
    await state.close();
    const failure = await state.get('k').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommunicationError);
    expect((failure as CommunicationError).code).toBe('TRANSPORT_CLOSED');
  });
});
