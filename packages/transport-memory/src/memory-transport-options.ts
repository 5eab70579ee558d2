import { z } from 'zod';

/** `transport: { kind: memory }` — everything in one process; the default. */
export const MemoryTransportOptionsSchema = z.strictObject({
  kind: z.literal('memory'),
});

export type MemoryTransportOptions = z.infer<typeof MemoryTransportOptionsSchema>;
