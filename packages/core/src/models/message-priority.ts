import { z } from 'zod';

export const MessagePrioritySchema = z.enum(['low', 'normal', 'high', 'critical']);

export type MessagePriority = z.infer<typeof MessagePrioritySchema>;
