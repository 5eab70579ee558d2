import { TOKENS } from '@switchyard/core';
import { ContainerModule } from 'inversify';
import { NatsTransport } from './nats-transport.js';
import type { NatsTransportOptionsInput } from './nats-transport-options.js';

/** Binds the orchestrator's NATS connection as the Transport. */
export function createNatsTransportModule(options: NatsTransportOptionsInput): ContainerModule {
  const transport = new NatsTransport(options);
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Transport).toConstantValue(transport);
  });
}
