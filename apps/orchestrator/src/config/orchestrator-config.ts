import {
  AgentIdSchema,
  AgentLivenessOptionsSchema,
  AuthOptionsSchema,
  CapabilityListSchema,
  DistributionOptionsSchema,
  JsonObjectSchema,
  StrategyNameSchema,
  TaskOptionsSchema,
} from '@switchyard/core';
import { MemoryTransportOptionsSchema } from '@switchyard/transport-memory';
import { z } from 'zod';
import type { OptionalPackage, OptionalPackages } from '../optional/optional-packages.js';
import { missingPackageMessage } from '../optional/optional-packages.js';
import { DemoOptionsSchema } from './demo-options.js';

/**
 * Stands in for a section whose schema lives in an optional package that is not installed: the
 * section is refused with how to install it. The cast only types the refusal, which yields no value.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the schema it stands in for, so the config's type stays exact
function missingPackageSection<Schema extends z.ZodType>(
  kind: string | undefined,
  packageName: OptionalPackage,
): Schema {
  const shape = kind === undefined ? z.unknown() : z.looseObject({ kind: z.literal(kind) });
  return shape.superRefine((_value, context) => {
    context.addIssue({
      code: 'custom',
      path: kind === undefined ? [] : ['kind'],
      message: missingPackageMessage(packageName),
    });
  }) as unknown as Schema;
}

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
  /** Sent with the registration (needed where the orchestrator sets agents.requireToken): a token with agents:register, best bound to this agent's id. */
  token: z.string().min(1).max(4096).optional(),
});

/** A strategy plugin: an npm package (or a path, relative to the config file) whose default export is defineStrategy(...). */
export const StrategyPluginSpecSchema = z.strictObject({
  package: z.string().min(1),
  /** Registers it under another name (to run one plugin twice with different options). */
  name: StrategyNameSchema.optional(),
  /** Checked by the plugin's own optionsSchema. */
  options: z.unknown().optional(),
});

/** Core's agent liveness plus the lease of agents that are MCP clients (renewed by polling receive_tasks). */
export const AgentsOptionsSchema = AgentLivenessOptionsSchema.extend({
  mcpLeaseMs: z.number().int().min(100).max(3_600_000).default(30_000),
});

/**
 * The whole config file: each package's own schema, composed. Built per load, because NATS and
 * fast-agent sections are checked by their optional packages' schemas when those are installed.
 */
export function createOrchestratorConfigSchema(packages: Partial<OptionalPackages>) {
  /** Every transport the app can wire, chosen by `transport.kind`. */
  const transport = z.discriminatedUnion('kind', [
    MemoryTransportOptionsSchema,
    packages.nats?.NatsTransportOptionsSchema ??
      missingPackageSection<OptionalPackages['nats']['NatsTransportOptionsSchema']>('nats', 'nats'),
  ]);
  /** Where tasks live: this process (memory, the default) or JetStream on the NATS transport's servers. */
  const durability = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('memory') }),
    packages.nats?.JetStreamDurabilityOptionsSchema ??
      missingPackageSection<OptionalPackages['nats']['JetStreamDurabilityOptionsSchema']>('jetstream', 'nats'),
  ]);
  const fastAgent =
    packages.fastAgent?.FastAgentOptionsSchema ??
    missingPackageSection<OptionalPackages['fastAgent']['FastAgentOptionsSchema']>(undefined, 'fastAgent');
  const a2a =
    packages.a2a?.A2aOptionsSchema ??
    missingPackageSection<OptionalPackages['a2a']['A2aOptionsSchema']>(undefined, 'a2a');
  /** The HTTP endpoint (MCP, metrics, dashboard) needs the MCP server package; without it, it is off and may only be said to be off. */
  const mcpHttp =
    packages.mcp?.McpHttpOptionsSchema.prefault({}) ??
    z
      .object({
        enabled: z
          .literal(false, { error: `${missingPackageMessage('mcp')} (or set mcp.http.enabled: false)` })
          .default(false),
      })
      .prefault({});
  return z
    .strictObject({
      transport: transport.default({ kind: 'memory' }),
      durability: durability.default({ kind: 'memory' }),
      distribution: DistributionOptionsSchema.prefault({}),
      strategies: z.array(StrategyPluginSpecSchema).default([]),
      tasks: TaskOptionsSchema.prefault({}),
      agents: AgentsOptionsSchema.prefault({}),
      auth: AuthOptionsSchema.prefault({}),
      logging: LoggingOptionsSchema.prefault({}),
      demo: DemoOptionsSchema.prefault({}),
      mcp: z.strictObject({ http: mcpHttp }).prefault({}),
      metrics: MetricsOptionsSchema.prefault({}),
      dashboard: DashboardOptionsSchema.prefault({}),
      client: ClientOptionsSchema.prefault({}),
      /** fast-agent servers whose agents join (inside `switchyard start`, or via `switchyard fast-agent-bridge`). */
      fastAgent: fastAgent.optional(),
      /** A2A agents that join by their Agent Cards (`agents`), and Switchyard's own A2A endpoint (`server`, on the HTTP server). */
      a2a: a2a.optional(),
      agent: AgentProcessOptionsSchema.prefault({}),
      /** After SIGTERM/SIGINT, how long `switchyard start` lets work in flight finish before it exits anyway (NATS unreachable, a handler stuck). */
      shutdownTimeoutMs: z.number().int().positive().max(3_600_000).default(10_000),
    })
    .superRefine((config, context) => {
      if (config.durability.kind === 'jetstream' && config.transport.kind !== 'nats') {
        context.addIssue({
          code: 'custom',
          path: ['durability', 'kind'],
          message: 'jetstream needs transport.kind nats (the journal lives on the same NATS servers)',
        });
      }
      if (config.a2a?.server.enabled === true && !config.mcp.http.enabled) {
        context.addIssue({
          code: 'custom',
          path: ['a2a', 'server', 'enabled'],
          message: "needs mcp.http.enabled: the A2A endpoint is served on the orchestrator's HTTP server",
        });
      }
    });
}

export type OrchestratorConfig = z.output<ReturnType<typeof createOrchestratorConfigSchema>>;
export type OrchestratorConfigInput = z.input<ReturnType<typeof createOrchestratorConfigSchema>>;
