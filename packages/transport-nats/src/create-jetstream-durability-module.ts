import { TOKENS } from '@switchyard/core';
import { ContainerModule } from 'inversify';
import type { JetStreamDurabilityOptionsInput } from './jetstream-durability-options.js';
import { JetStreamTaskJournal } from './jetstream-task-journal.js';
import type { NatsTransportOptionsInput } from './nats-transport-options.js';

/** Binds the JetStream task journal on the transport's NATS servers (load it beside the NATS transport's module). */
export function createJetStreamDurabilityModule(
  transportOptions: NatsTransportOptionsInput,
  options: JetStreamDurabilityOptionsInput,
): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.TaskJournal)
      .toDynamicValue((context) => new JetStreamTaskJournal(transportOptions, options, context.get(TOKENS.Logger)))
      .inSingletonScope();
  });
}
