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

export type AgentRegistration = z.input<typeof AgentRegistrationSchema>;
export type ParsedAgentRegistration = z.output<typeof AgentRegistrationSchema>;
