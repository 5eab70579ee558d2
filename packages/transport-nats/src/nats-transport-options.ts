import { z } from 'zod';

const TokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated tokens of letters, digits, "_" or "-"');

/** How to prove who we are to nats-server. */
export const NatsCredentialsSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('token'), token: z.string().min(1) }),
  z.strictObject({ type: z.literal('userPassword'), user: z.string().min(1), password: z.string().min(1) }),
  z.strictObject({
    type: z.literal('nkey'),
    seed: z.string().regex(/^SU[A-Z2-7]{56}$/, 'must be a user NKey seed (SU…, 58 characters)'),
  }),
  z.strictObject({ type: z.literal('credsFile'), path: z.string().min(1) }),
]);

/** `transport: { kind: nats, servers: [...] }` — agents in other processes and on other hosts. */
export const NatsTransportOptionsSchema = z.strictObject({
  kind: z.literal('nats'),
  servers: z.array(z.string().min(1)).min(1).default(['nats://127.0.0.1:4222']),
  /** Shown in nats-server's connection list. */
  name: z.string().min(1).max(128).optional(),
  /** Every Switchyard subject starts with it; several installations can share one NATS. */
  subjectPrefix: TokenSchema.default('switchyard'),
  credentials: NatsCredentialsSchema.optional(),
  /**
   * Prefix of this connection's reply subjects (default `_INBOX`). Give each agent its own
   * (`_INBOX_agent-a`) to confine it with nats-server permissions; see docs/nats-security.md.
   */
  inboxPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "_" or "-"')
    .optional(),
  tls: z
    .strictObject({
      caFile: z.string().min(1).optional(),
      certFile: z.string().min(1).optional(),
      keyFile: z.string().min(1).optional(),
    })
    .optional(),
  reconnect: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** -1 keeps trying forever. */
      maxAttempts: z.number().int().min(-1).default(-1),
      waitMs: z.number().int().nonnegative().default(1_000),
      jitterMs: z.number().int().nonnegative().default(100),
    })
    .prefault({}),
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** How long a send waits for nats-server to confirm it routed the envelope. */
  deliveryTimeoutMs: z.number().int().positive().default(5_000),
});

export type NatsTransportOptions = z.output<typeof NatsTransportOptionsSchema>;
export type NatsTransportOptionsInput = z.input<typeof NatsTransportOptionsSchema>;
