import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'nats';
import { credsAuthenticator, nkeyAuthenticator } from 'nats';
import type { NatsTransportOptions } from './nats-transport-options.js';

/** Translates Switchyard's NATS options into the `nats` client's connection options. */
export function natsConnectionOptions(options: NatsTransportOptions): ConnectionOptions {
  const connection: ConnectionOptions = {
    servers: options.servers,
    timeout: options.connectTimeoutMs,
    reconnect: options.reconnect.enabled,
    maxReconnectAttempts: options.reconnect.maxAttempts,
    reconnectTimeWait: options.reconnect.waitMs,
    reconnectJitter: options.reconnect.jitterMs,
    // Each request() would otherwise record a stack trace for a possible error: measurable CPU per task.
    noAsyncTraces: true,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.inboxPrefix === undefined ? {} : { inboxPrefix: options.inboxPrefix }),
  };
  const credentials = options.credentials;
  if (credentials !== undefined) {
    switch (credentials.type) {
      case 'token':
        connection.token = credentials.token;
        break;
      case 'userPassword':
        connection.user = credentials.user;
        connection.pass = credentials.password;
        break;
      case 'nkey':
        connection.authenticator = nkeyAuthenticator(new TextEncoder().encode(credentials.seed));
        break;
      case 'credsFile':
        connection.authenticator = credsAuthenticator(readFileSync(credentials.path));
        break;
    }
  }
  if (options.tls !== undefined) {
    connection.tls = {
      ...(options.tls.caFile === undefined ? {} : { caFile: options.tls.caFile }),
      ...(options.tls.certFile === undefined ? {} : { certFile: options.tls.certFile }),
      ...(options.tls.keyFile === undefined ? {} : { keyFile: options.tls.keyFile }),
    };
  }
  return connection;
}
