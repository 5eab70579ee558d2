export { NatsTransport } from './nats-transport.js';
export { NatsCredentialsSchema, NatsTransportOptionsSchema } from './nats-transport-options.js';
export type { NatsTransportOptions, NatsTransportOptionsInput } from './nats-transport-options.js';
export { createNatsTransportModule } from './create-nats-transport-module.js';
