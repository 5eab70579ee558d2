import { runTransportConformanceSuite } from '@switchyard/testing';
import { InMemoryTransport } from './in-memory-transport.js';
import { MemoryBus } from './memory-bus.js';

runTransportConformanceSuite('in-memory', () => {
  const bus = new MemoryBus();
  return Promise.resolve({
    connect: () => new InMemoryTransport(bus),
    injectMalformed: (address, message) => {
      bus.publish(address, message);
      return Promise.resolve();
    },
    dispose: () => Promise.resolve(),
  });
});
