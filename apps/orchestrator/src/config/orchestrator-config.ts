import { AgentIdSchema, AgentLivenessOptionsSchema, AuthOptionsSchema, CapabilityListSchema, DistributionOptionsSchema, JsonObjectSchema, StrategyNameSchema, TaskOptionsSchema } from '@switchyard/core';
import { FastAgentOptionsSchema } from '@switchyard/fast-agent';
import { McpHttpOptionsSchema } from '@switchyard/mcp-server';
import { JetStreamDurabilityOptionsSchema, NatsTransportOptionsSchema } from '@switchyard/transport-nats';
import { MemoryTransportOptionsSchema } from '@switchyard/transport-memory';
import { z } from 'zod';
import { DemoOptionsSchema } from './demo-options.js';

/** Every transport the app can wire, chosen by `transport.kind`. */
export const TransportOptionsSchema = z.discriminatedUnion('kind', [MemoryTransportOptionsSchema, NatsTransportOptionsSchema]);

/** Where tasks live: this process (memory, the default) or JetStream on the NATS transport's servers. */
export const DurabilityOptionsSchema = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('memory') }), JetStreamDurabilityOptionsSchema]);

export const LoggingOptionsSchema = z.strictObject({
  level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  format: z.enum(['pretty', 'json']).default('pretty'),
});

/** `/metrics` on the MCP endpoint's HTTP server. */
export const MetricsOptionsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Scrapers send `Authorization: Bearer <token>` (ops:read); false opens it to anyone who reaches the port. */
  requireToken: z.boolean().default(true),
});

/** The live dashboard at `/dashboard` on the MCP endpoint's HTTP server (always behind a token). */
export const DashboardOptionsSchema = z.strictObject({
  enabled: z.boolean().default(true),
});

/** Where the client commands (agents, tasks, submit, drain) reach an orchestrator; flags and env come first. */
export const ClientOptionsSchema = z.strictObject({
  url: z.url().optional(),
  token: z.string().min(1).optional(),
});

/** `switchyard agent`: the agent this process runs (flags override each field). */
export const AgentProcessOptionsSchema = z.strictObject({
  id: AgentIdSchema.optional(),
  capabilities: CapabilityListSchema.optional(),
  priority: z.number().optional(),
  capacity: z.number().int().positive().optional(),
  metadata: JsonObjectSchema.optional(),
  /** Path of a module whose default export (or `handler` export) is the task handler. */
  handler: z.string().min(1).optional(),
});

/** A strategy plugin: an npm package (or a path, relative to the config file) whose default export is defineStrategy(...). */
export const StrategyPluginSpecSchema = z.strictObject({
  package: z.string().min(1),
  /** Registers it under another name (to run one plugin twice with different options). */
  name: StrategyNameSchema.optional(),
  /** Checked by the plugin's own optionsSchema. */
  options: z.unknown().optional(),
});

/** The whole config file: each package's own schema, composed. */
export const OrchestratorConfigSchema = z
  .strictObject({
  transport: TransportOptionsSchema.default({ kind: 'memory' }),
  durability: DurabilityOptionsSchema.default({ kind: 'memory' }),
  distribution: DistributionOptionsSchema.prefault({}),
  strategies: z.array(StrategyPluginSpecSchema).default([]),
  tasks: TaskOptionsSchema.prefault({}),
  agents: AgentLivenessOptionsSchema.prefault({}),
  auth: AuthOptionsSchema.prefault({}),
  logging: LoggingOptionsSchema.prefault({}),
  demo: DemoOptionsSchema.prefault({}),
  mcp: z.strictObject({ http: McpHttpOptionsSchema.prefault({}) }).prefault({}),
  metrics: MetricsOptionsSchema.prefault({}),
  dashboard: DashboardOptionsSchema.prefault({}),
  client: ClientOptionsSchema.prefault({}),
  /** fast-agent servers whose agents join (inside `switchyard start`, or via `switchyard fast-agent-bridge`). */
  fastAgent: FastAgentOptionsSchema.optional(),
  agent: AgentProcessOptionsSchema.prefault({}),
  /** After SIGTERM/SIGINT, how long `switchyard start` lets work in flight finish before it exits anyway (NATS unreachable, a handler stuck). */
  shutdownTimeoutMs: z.number().int().positive().max(3_600_000).default(10_000),
  })
  .superRefine((config, context) => {
    if (config.durability.kind === 'jetstream' && config.transport.kind !== 'nats') {
      context.addIssue({ code: 'custom', path: ['durability', 'kind'], message: 'jetstream needs transport.kind nats (the journal lives on the same NATS servers)' });
    }
  });

export type OrchestratorConfig = z.output<typeof OrchestratorConfigSchema>;
export type OrchestratorConfigInput = z.input<typeof OrchestratorConfigSchema>;
