import { z } from 'zod';

/** `mcp.http` in config: where the Streamable HTTP endpoint listens, who may call it from a browser, and its limits. */
export const McpHttpOptionsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Loopback by default: expose it deliberately. */
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(7300),
  /** Browser origins allowed to call, with CORS (requests without an Origin header, i.e. not from a browser, are allowed). */
  allowedOrigins: z.array(z.url()).default([]),
  /** A session without a request for this long is closed; its id then answers 404 and the client re-initializes. */
  sessionIdleMs: z.number().int().min(1_000).max(86_400_000).default(600_000),
  /** Open sessions per token; one more closes that token's least recently used idle session. */
  maxSessionsPerPrincipal: z.number().int().min(1).max(100_000).default(64),
  /** Largest request body; larger ones get 413 (default under the 1 MiB that clients' SSE readers accept). */
  maxBodyBytes: z
    .number()
    .int()
    .min(1_024)
    .max(256 * 1024 * 1024)
    .default(1_000_000),
  /** Deepest JSON nesting of a request body, checked while it is read: core's 128 levels of task data plus the JSON-RPC envelope. */
  maxJsonDepth: z.number().int().min(8).max(10_000).default(136),
  /** Most JSON bytes one tool result carries; larger task data is left to the task's resource. */
  maxResultBytes: z
    .number()
    .int()
    .min(1_024)
    .max(256 * 1024 * 1024)
    .default(768 * 1024),
});

export type McpHttpOptions = z.output<typeof McpHttpOptionsSchema>;
