export { NatsTransport } from './nats-transport.js';
export { NatsCredentialsSchema, NatsTransportOptionsSchema } from './nats-transport-options.js';
export type { NatsTransportOptions, NatsTransportOptionsInput } from './nats-transport-options.js';
export { createNatsTransportModule } from './create-nats-transport-module.js';
export { JetStreamTaskJournal } from './jetstream-task-journal.js';
export { JetStreamDurabilityOptionsSchema } from './jetstream-durability-options.js';
export type { JetStreamDurabilityOptions, JetStreamDurabilityOptionsInput } from './jetstream-durability-options.js';
export { createJetStreamDurabilityModule } from './create-jetstream-durability-module.js';
export { JetStreamSharedState } from './jetstream-shared-state.js';
export { JetStreamSharedStateOptionsSchema } from './jetstream-shared-state-options.js';
export type {
  JetStreamSharedStateOptions,
  JetStreamSharedStateOptionsInput,
} from './jetstream-shared-state-options.js';
export { createNatsSharedStateModule } from './create-nats-shared-state-module.js';
