import { TOKENS } from '@switchyard/core';
import { ContainerModule } from 'inversify';
import type { JetStreamSharedState } from './jetstream-shared-state.js';

/** Binds a JetStream KV bucket as the strategies' shared state (load it beside the NATS transport's module). */
export function createNatsSharedStateModule(sharedState: JetStreamSharedState): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.SharedState).toConstantValue(sharedState);
  });
}
