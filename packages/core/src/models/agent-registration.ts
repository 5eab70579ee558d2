import { z } from 'zod';
import { AgentIdSchema, CapabilityListSchema } from './identifiers.js';
import { JsonObjectSchema } from './json-value.js';
import { LIMITS } from './limits.js';

/** What an agent says about itself when it joins. Re-registering the same id updates it. */
export const AgentRegistrationSchema = z.strictObject({
  agentId: AgentIdSchema,
  capabilities: CapabilityListSchema,
  /** Higher wins under priority_based. */
  priority: z.number().default(0),
  /** Most tasks it may hold at once; omitted means unbounded. */
  capacity: z.number().int().positive().optional(),
  metadata: JsonObjectSchema.optional(),
  /**
   * Names this run of the agent's process. When an agent re-registers with another instanceId it
   * restarted, so the tasks its old process held are redistributed at once.
   */
  instanceId: z.string().min(1).max(LIMITS.identifierLength).optional(),
});

/**
 * A transport agent's registration as orchestrators share it through a journal: with the
 * principal that registered it and its session, so every replica accepts the agent's envelopes.
 */
export const JournaledAgentSchema = AgentRegistrationSchema.extend({
  owner: z.string().min(1).max(256).optional(),
  session: z.string().min(LIMITS.sessionMinLength).max(LIMITS.sessionMaxLength).optional(),
});

export type AgentRegistration = z.input<typeof AgentRegistrationSchema>;
export type JournaledAgent = z.output<typeof JournaledAgentSchema>;
export type ParsedAgentRegistration = z.output<typeof AgentRegistrationSchema>;
