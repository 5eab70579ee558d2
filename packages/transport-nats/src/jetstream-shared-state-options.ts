import { z } from 'zod';

/** The KV bucket behind services.sharedState on NATS. */
export const JetStreamSharedStateOptionsSchema = z.strictObject({
  /** Copies of the bucket: 1 on a single server, 3 on a cluster. */
  replicas: z.number().int().min(1).max(5).default(1),
  /** A value no orchestrator put again for this long is dropped, so what a departed replica left does not stay forever. */
  ttlMs: z
    .number()
    .int()
    .min(1_000)
    .max(365 * 24 * 3_600_000)
    .default(24 * 3_600_000),
});

export type JetStreamSharedStateOptions = z.output<typeof JetStreamSharedStateOptionsSchema>;
export type JetStreamSharedStateOptionsInput = z.input<typeof JetStreamSharedStateOptionsSchema>;
