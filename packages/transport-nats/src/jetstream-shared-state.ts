import type { SharedState } from '@switchyard/core';
import { CommunicationError } from '@switchyard/core';
import type { KV, NatsConnection } from 'nats';
import { connect, StorageType } from 'nats';
import type {
  JetStreamSharedStateOptions,
  JetStreamSharedStateOptionsInput,
} from './jetstream-shared-state-options.js';
import { JetStreamSharedStateOptionsSchema } from './jetstream-shared-state-options.js';
import { natsConnectionOptions } from './nats-connection-options.js';
import type { NatsTransportOptions, NatsTransportOptionsInput } from './nats-transport-options.js';
import { NatsTransportOptionsSchema } from './nats-transport-options.js';

/**
 * services.sharedState on NATS: one JetStream KV bucket (`<subjectPrefix>_shared`) on a
 * connection of its own, opened at the first use, so an orchestrator whose strategies share
 * nothing never connects. A failed open is tried again at the next call.
 */
export class JetStreamSharedState implements SharedState {
  private readonly transport: NatsTransportOptions;
  private readonly options: JetStreamSharedStateOptions;
  readonly bucket: string;
  private opening: Promise<{ connection: NatsConnection; kv: KV }> | undefined;
  private closed = false;

  constructor(transportOptions: NatsTransportOptionsInput, options: JetStreamSharedStateOptionsInput = {}) {
    this.transport = NatsTransportOptionsSchema.parse(transportOptions);
    this.options = JetStreamSharedStateOptionsSchema.parse(options);
    this.bucket = `${this.transport.subjectPrefix.replace(/\./g, '_')}_shared`;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const { kv } = await this.open();
    const entry = await kv.get(key);
    return entry === null || entry.operation !== 'PUT' ? undefined : entry.value;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const { kv } = await this.open();
    await kv.put(key, value);
  }

  async entries(prefix: string): Promise<ReadonlyMap<string, Uint8Array>> {
    const { kv } = await this.open();
    const found = new Map<string, Uint8Array>();
    const keys: string[] = [];
    for await (const key of await kv.keys(`${prefix}.>`)) keys.push(key);
    for (const key of keys) {
      const entry = await kv.get(key);
      if (entry !== null && entry.operation === 'PUT') found.set(key, entry.value);
    }
    return found;
  }

  /** Closes the connection; later calls reject with TRANSPORT_CLOSED. */
  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    if (opening === undefined) return;
    try {
      const { connection } = await opening;
      await connection.close();
    } catch {
      // It never opened: nothing to close.
    }
  }

  private open(): Promise<{ connection: NatsConnection; kv: KV }> {
    if (this.closed) return Promise.reject(new CommunicationError('TRANSPORT_CLOSED', 'The shared state was closed'));
    this.opening ??= this.connectToBucket().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  private async connectToBucket(): Promise<{ connection: NatsConnection; kv: KV }> {
    const connection = await connect({
      ...natsConnectionOptions(this.transport),
      name: `${this.transport.name ?? 'switchyard'}-shared-state`,
    });
    try {
      const kv = await connection.jetstream().views.kv(this.bucket, {
        history: 1,
        replicas: this.options.replicas,
        ttl: this.options.ttlMs,
        storage: StorageType.File,
      });
      return { connection, kv };
    } catch (error) {
      await connection.close();
      throw error;
    }
  }
}
