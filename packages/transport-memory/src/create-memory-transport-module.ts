import { TOKENS } from '@switchyard/core';
import { ContainerModule } from 'inversify';
import { InMemoryTransport } from './in-memory-transport.js';
import { MemoryBus } from './memory-bus.js';

/**
 * Binds a MemoryBus and the orchestrator's connection to it. In-process agents connect with
 * `new InMemoryTransport(container.get(MemoryBus))`.
 */
export function createMemoryTransportModule(bus: MemoryBus = new MemoryBus()): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(MemoryBus).toConstantValue(bus);
    bind(TOKENS.Transport).toConstantValue(new InMemoryTransport(bus));
  });
}
