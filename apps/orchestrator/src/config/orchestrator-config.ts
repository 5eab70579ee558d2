import { AuthOptionsSchema, DistributionOptionsSchema, TaskOptionsSchema } from '@switchyard/core';
import { MemoryTransportOptionsSchema } from '@switchyard/transport-memory';
import { z } from 'zod';
import { DemoOptionsSchema } from './demo-options.js';

/** Every transport the app can wire, chosen by `transport.kind`. */
export const TransportOptionsSchema = z.discriminatedUnion('kind', [MemoryTransportOptionsSchema]);

export const LoggingOptionsSchema = z.strictObject({
  level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  format: z.enum(['pretty', 'json']).default('pretty'),
});

/** The whole config file: each package's own schema, composed. */
export const OrchestratorConfigSchema = z.strictObject({
  transport: TransportOptionsSchema.default({ kind: 'memory' }),
  distribution: DistributionOptionsSchema.prefault({}),
  tasks: TaskOptionsSchema.prefault({}),
  auth: AuthOptionsSchema.prefault({}),
  logging: LoggingOptionsSchema.prefault({}),
  demo: DemoOptionsSchema.prefault({}),
});

export type OrchestratorConfig = z.output<typeof OrchestratorConfigSchema>;
export type OrchestratorConfigInput = z.input<typeof OrchestratorConfigSchema>;
