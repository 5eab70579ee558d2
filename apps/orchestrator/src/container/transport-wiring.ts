import type { Transport } from '@switchyard/core';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import type { ContainerModule } from 'inversify';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';

/** The transport config chose: its container module (for the orchestrator) and how agents connect to the same medium. */
export interface TransportWiring {
  readonly kind: OrchestratorConfig['transport']['kind'];
  readonly module: ContainerModule;
  connect(): Transport;
}

type TransportOptions = OrchestratorConfig['transport'];

/** One entry per transport kind; the type makes a new kind in the config schema a compile error here until wired. */
const WIRINGS: { readonly [K in TransportOptions['kind']]: (options: Extract<TransportOptions, { kind: K }>) => TransportWiring } = {
  memory: () => {
    const bus = new MemoryBus();
    return { kind: 'memory', module: createMemoryTransportModule(bus), connect: () => new InMemoryTransport(bus) };
  },
};

export function wireTransport(options: TransportOptions): TransportWiring {
  return WIRINGS[options.kind](options);
}
