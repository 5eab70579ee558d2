import { AgentIdSchema, CapabilityListSchema } from '@switchyard/core';
import { z } from 'zod';

/** Tasks an A2A agent takes at once when its entry does not say. */
export const DEFAULT_A2A_CAPACITY = 4;

/** Where a credential comes from: the config itself, or an environment variable named here (read when the agent joins). */
export const A2aSecretSchema = z
  .strictObject({
    value: z.string().min(1).max(4096).optional(),
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional(),
  })
  .refine((secret) => (secret.value === undefined) !== (secret.env === undefined), {
    message: 'give exactly one of value or env',
    path: ['value'],
  });

/** Credentials for the security schemes a card declares: a bearer token (HTTP bearer) and/or an API key. */
export const A2aAuthSchema = z.strictObject({
  bearer: A2aSecretSchema.optional(),
  apiKey: A2aSecretSchema.optional(),
});

/** How a card's skills become Switchyard capabilities. */
export const SkillMappingSchema = z.strictObject({
  /** `id`: each skill's id; `tags`: each skill's tags; `id-and-tags`: both. */
  from: z.enum(['id', 'tags', 'id-and-tags']).default('id'),
  /** Put before every capability made from a skill (e.g. `a2a.`), to keep them apart from other agents' names. */
  prefix: z.string().max(64).default(''),
});

/** One A2A agent, by its card's URL. */
export const A2aCardSchema = z.strictObject({
  /** The Agent Card's URL; a URL whose path does not end in `.json` gets `/.well-known/agent-card.json` added. */
  url: z.url(),
  /** Its Switchyard id; by default `a2a-` and the card's name (letters, digits, `_`, `-`). */
  agentId: AgentIdSchema.optional(),
  /** Capabilities it has besides those from its skills. */
  capabilities: CapabilityListSchema.default([]),
  priority: z.number().default(0),
  capacity: z.number().int().positive().default(DEFAULT_A2A_CAPACITY),
  auth: A2aAuthSchema.optional(),
  /** This agent's registration token, instead of the section's `token`. */
  token: z.string().min(1).max(4096).optional(),
});

/** A URL answering a JSON array of card URLs (strings): each becomes an agent with the section's defaults. */
export const A2aDirectorySchema = z.strictObject({
  url: z.url(),
  auth: A2aAuthSchema.optional(),
  capacity: z.number().int().positive().default(DEFAULT_A2A_CAPACITY),
});

/** `a2a.agents` in config: A2A agents that join the fleet by their Agent Cards. */
export const A2aAgentsOptionsSchema = z
  .strictObject({
    cards: z.array(A2aCardSchema).default([]),
    directories: z.array(A2aDirectorySchema).default([]),
    skills: SkillMappingSchema.prefault({}),
    /** Sent with each agent's registration where the orchestrator sets agents.requireToken (a token with agents:register). */
    token: z.string().min(1).max(4096).optional(),
    /** How long one A2A task may run before it is cancelled (`tasks/cancel`) and the attempt fails as A2A_TIMEOUT. */
    callTimeoutMs: z.number().int().positive().default(50_000),
    /** How often each card (and directory) is fetched again: new or removed skills change the agent's capabilities. */
    refreshIntervalMs: z.number().int().positive().default(10_000),
    /** How long fetching a card may take before the agent counts as unreachable. */
    refreshTimeoutMs: z.number().int().positive().default(5_000),
    circuitBreaker: z
      .strictObject({
        failures: z.number().int().positive().default(5),
        openMs: z.number().int().positive().default(10_000),
      })
      .prefault({}),
    /** Longest pause between probes of an unreachable agent (they start at 100 ms and double). */
    probeMaxIntervalMs: z.number().int().positive().max(60_000).default(500),
  })
  .superRefine((options, context) => {
    if (options.cards.length === 0 && options.directories.length === 0)
      context.addIssue({ code: 'custom', message: 'give at least one card or directory', path: ['cards'] });
    const urls = new Set<string>();
    const ids = new Set<string>();
    options.cards.forEach((card, index) => {
      if (urls.has(card.url))
        context.addIssue({
          code: 'custom',
          message: `card '${card.url}' is listed twice`,
          path: ['cards', index, 'url'],
        });
      urls.add(card.url);
      if (card.agentId !== undefined) {
        if (ids.has(card.agentId))
          context.addIssue({
            code: 'custom',
            message: `agent id '${card.agentId}' is given to two cards`,
            path: ['cards', index, 'agentId'],
          });
        ids.add(card.agentId);
      }
    });
  });

export type A2aAgentsOptions = z.output<typeof A2aAgentsOptionsSchema>;
export type A2aAgentsOptionsInput = z.input<typeof A2aAgentsOptionsSchema>;
export type A2aCard = z.output<typeof A2aCardSchema>;
export type A2aAuth = z.output<typeof A2aAuthSchema>;
export type SkillMapping = z.output<typeof SkillMappingSchema>;
