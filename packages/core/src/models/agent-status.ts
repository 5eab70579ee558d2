import { z } from 'zod';

/** `draining` agents finish what they hold but get nothing new. */
export const AgentStatusSchema = z.enum(['online', 'offline', 'draining']);

export type AgentStatus = z.infer<typeof AgentStatusSchema>;
