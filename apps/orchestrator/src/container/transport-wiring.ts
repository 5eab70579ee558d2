import type { Transport } from '@switchyard/core/internal';
import { TOKENS } from '@switchyard/core';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { ContainerModule } from 'inversify';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';
import { optionalPackage } from '../optional/optional-packages.js';
import { crashBeforeSendFromEnv } from './crash-before-send-transport.js';

/** The transport config chose: its container module (for the orchestrator) and how agents connect to the same medium. */
export interface TransportWiring {
  readonly kind: OrchestratorConfig['transport']['kind'];
  readonly module: ContainerModule;
  connect(): Transport;
  /** Whether another process can reach this transport (so `switchyard agent` can use it). */
  readonly crossesProcesses: boolean;
  /** Where it connects, for people reading the start-up banner. */
  readonly description: string;
}

type TransportOptions = OrchestratorConfig['transport'];

/** Config decides; a new kind in the config schema is a compile error here until it is wired. */
export function wireTransport(options: TransportOptions): TransportWiring {
  switch (options.kind) {
    case 'memory': {
      const bus = new MemoryBus();
      return {
        kind: 'memory',
        module: createMemoryTransportModule(bus),
        connect: () => new InMemoryTransport(bus),
        crossesProcesses: false,
        description: 'memory (this process only)',
      };
    }
    case 'nats': {
      const { NatsTransport } = optionalPackage('nats', 'transport.kind');
      // The orchestrator's own connection; the chaos run may arm it to crash between journal write and send.
      const transport = crashBeforeSendFromEnv(new NatsTransport(options), process.env);
      return {
        kind: 'nats',
        module: new ContainerModule(({ bind }) => {
          bind(TOKENS.Transport).toConstantValue(transport);
        }),
        connect: () => new NatsTransport(options),
        crossesProcesses: true,
        description: `nats ${options.servers.join(', ')} (subjects ${options.subjectPrefix}.*)`,
      };
    }
  }
}

/** What services.sharedState is on this transport: none on memory, a JetStream KV bucket on NATS (opened at first use). */
export function wireSharedState(options: TransportOptions): {
  module: ContainerModule | undefined;
  close(): Promise<void>;
} {
  if (options.kind !== 'nats') return { module: undefined, close: () => Promise.resolve() };
  const nats = optionalPackage('nats', 'transport.kind');
  const sharedState = new nats.JetStreamSharedState(options);
  return { module: nats.createNatsSharedStateModule(sharedState), close: () => sharedState.close() };
}

/** The durability config chose: a journal module beside the transport's, or none (tasks live in this process). */
export function wireDurability(config: Pick<OrchestratorConfig, 'transport' | 'durability' | 'tasks'>): {
  module: ContainerModule | undefined;
  description: string;
} {
  const { durability, transport } = config;
  if (durability.kind === 'memory' || transport.kind !== 'nats')
    return { module: undefined, description: 'memory (tasks live in this process)' };
  // tasks.queue.maxLength bounds the shared work stream too (waiting and running tasks of every orchestrator).
  const maxWorkItems = durability.maxWorkItems ?? config.tasks.queue.maxLength;
  return {
    module: optionalPackage('nats', 'durability.kind').createJetStreamDurabilityModule(transport, {
      ...durability,
      maxWorkItems,
    }),
    description: `jetstream on ${transport.servers.join(', ')} (stream ${transport.subjectPrefix.replace(/\./g, '_')}_work, orchestrator ${durability.orchestratorId ?? 'named after host and pid'})`,
  };
}
