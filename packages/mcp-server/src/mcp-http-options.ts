import { z } from 'zod';

/** `mcp.http` in config: where the Streamable HTTP endpoint listens and who may call it from a browser. */
export const McpHttpOptionsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Loopback by default: expose it deliberately. */
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(7300),
  /** Browser origins allowed to call (requests without an Origin header, i.e. not from a browser, are allowed). */
  allowedOrigins: z.array(z.url()).default([]),
});

export type McpHttpOptions = z.output<typeof McpHttpOptionsSchema>;
