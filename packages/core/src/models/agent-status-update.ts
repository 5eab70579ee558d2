import { z } from 'zod';
import { LIMITS } from './limits.js';
import { AgentIdSchema } from './identifiers.js';
import { AgentStatusSchema } from './agent-status.js';

/** An agent's report of itself: liveness, and optionally its own count of tasks in hand. */
export const AgentStatusUpdateSchema = z
  .strictObject({
    agentId: AgentIdSchema,
    isOnline: z.boolean().optional(),
    status: AgentStatusSchema.optional(),
    currentLoad: z.number().int().nonnegative().optional(),
    /** Tasks whose handlers ignored a task_cancel past the agent's grace period (counted in currentLoad). */
    stuckTasks: z.number().int().nonnegative().optional(),
    /** From an agent on a transport: its session (see AgentSessionSchema); ignored elsewhere. */
    session: z.string().min(LIMITS.sessionMinLength).max(LIMITS.sessionMaxLength).optional(),
  })
  .refine((update) => !(update.isOnline !== undefined && update.status !== undefined), {
    message: 'give either isOnline or status, not both',
    path: ['status'],
  });

export type AgentStatusUpdate = z.input<typeof AgentStatusUpdateSchema>;
