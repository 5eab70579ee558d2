export { InMemoryTransport } from './in-memory-transport.js';
export { MemoryBus } from './memory-bus.js';
export type { BusReceiver } from './memory-bus.js';
export { MemoryTransportOptionsSchema } from './memory-transport-options.js';
export type { MemoryTransportOptions } from './memory-transport-options.js';
export { createMemoryTransportModule } from './create-memory-transport-module.js';
