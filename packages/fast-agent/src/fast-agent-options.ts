import { AgentIdSchema, CapabilityListSchema } from '@switchyard/core';
import { z } from 'zod';

/** Tasks an agent takes at once when its mapping (or `unlisted`) does not say: the same for listed and unlisted agents. */
export const DEFAULT_FAST_AGENT_CAPACITY = 4;

/** One fast-agent process: its Streamable HTTP URL, or the command that starts it on stdio. */
export const FastAgentServerSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "_" or "-"'),
    url: z.url().optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    cwd: z.string().min(1).optional(),
  })
  .refine((server) => (server.url === undefined) !== (server.command === undefined), {
    message: 'give exactly one of url or command',
    path: ['url'],
  });

/** How one fast-agent agent appears in Switchyard. */
export const FastAgentMappingSchema = z.strictObject({
  /** The fast-agent agent's name (its tool is named after it, or `<name>_send` on 0.2.x). */
  name: z.string().min(1),
  /** Only this server's agent of that name; required when there are several servers. */
  server: z.string().optional(),
  agentId: AgentIdSchema,
  capabilities: CapabilityListSchema,
  priority: z.number().default(0),
  capacity: z.number().int().positive().default(DEFAULT_FAST_AGENT_CAPACITY),
  /** This agent's registration token (one bound to its agentId, best), instead of the bridge's `token`. */
  token: z.string().min(1).max(4096).optional(),
});

export const FastAgentOptionsSchema = z
  .strictObject({
    servers: z.array(FastAgentServerSchema).min(1),
    agents: z.array(FastAgentMappingSchema).default([]),
    /**
     * Sent with each agent's registration (needed where the orchestrator sets agents.requireToken):
     * a token with agents:register. A mapping's own `token` comes first.
     */
    token: z.string().min(1).max(4096).optional(),
    /** Agents found on a server but not listed: registered with these capabilities, or ignored. */
    unlisted: z
      .strictObject({
        register: z.boolean().default(false),
        capabilities: CapabilityListSchema.default(['fast-agent']),
        capacity: z.number().int().positive().default(DEFAULT_FAST_AGENT_CAPACITY),
      })
      .prefault({}),
    /**
     * How long one tool call may run before it is cancelled and the attempt fails as
     * FAST_AGENT_TIMEOUT. The default ends before the orchestrator's default attemptTimeoutMs (60 s).
     */
    callTimeoutMs: z.number().int().positive().default(50_000),
    /** Retries of a call the server failed for a transient reason (an HTTP 5xx, a protocol error), with exponential backoff. */
    retries: z.number().int().nonnegative().max(10).default(2),
    retryBackoffMs: z.number().int().nonnegative().default(250),
    circuitBreaker: z
      .strictObject({
        /** Consecutive failed calls that open the circuit: the server's agents go offline. */
        failures: z.number().int().positive().default(5),
        /** How long it stays open before the server is probed again. */
        openMs: z.number().int().positive().default(10_000),
      })
      .prefault({}),
    /** How often each server's tool list is re-read while it is up. */
    refreshIntervalMs: z.number().int().positive().default(10_000),
    /** How long a refresh of a running server (connect, tool list) may take before it counts as down. */
    refreshTimeoutMs: z.number().int().positive().default(5_000),
    /** How long the first connection may take: a stdio server is started then, and fast-agent's cold start takes 12-20 s. */
    startupTimeoutMs: z.number().int().positive().default(30_000),
    /** Longest pause between health probes of a server that is down (they start at 100 ms and double): a restarted server is back within about this long. */
    probeMaxIntervalMs: z.number().int().positive().max(60_000).default(500),
  })
  .superRefine((options, context) => {
    const serverNames = new Set<string>();
    options.servers.forEach((server, index) => {
      if (serverNames.has(server.name))
        context.addIssue({
          code: 'custom',
          message: `server '${server.name}' is listed twice`,
          path: ['servers', index, 'name'],
        });
      serverNames.add(server.name);
    });
    const agentIds = new Set<string>();
    const mapped = new Set<string>();
    options.agents.forEach((mapping, index) => {
      const key = `${mapping.server ?? '*'}/${mapping.name}`;
      if (mapped.has(key))
        context.addIssue({
          code: 'custom',
          message: `agent '${mapping.name}'${mapping.server === undefined ? '' : ` of server '${mapping.server}'`} is mapped twice`,
          path: ['agents', index, 'name'],
        });
      mapped.add(key);
      if (agentIds.has(mapping.agentId))
        context.addIssue({
          code: 'custom',
          message: `agent id '${mapping.agentId}' is given to two mappings`,
          path: ['agents', index, 'agentId'],
        });
      agentIds.add(mapping.agentId);
      if (mapping.server !== undefined && !serverNames.has(mapping.server)) {
        context.addIssue({
          code: 'custom',
          message: `names no server of this config (${[...serverNames].join(', ')})`,
          path: ['agents', index, 'server'],
        });
      }
      // Without it, every server serving an agent of that name would register it under one id.
      if (mapping.server === undefined && options.servers.length > 1) {
        context.addIssue({
          code: 'custom',
          message: `required when there are several servers: which server's '${mapping.name}' is '${mapping.agentId}'`,
          path: ['agents', index, 'server'],
        });
      }
    });
  });

export type FastAgentOptions = z.output<typeof FastAgentOptionsSchema>;
export type FastAgentOptionsInput = z.input<typeof FastAgentOptionsSchema>;
export type FastAgentServer = z.output<typeof FastAgentServerSchema>;
export type FastAgentMapping = z.output<typeof FastAgentMappingSchema>;
