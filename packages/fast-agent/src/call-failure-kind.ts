import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/**
 * Why a call to a fast-agent server failed, as far as the bridge acts on it:
 * `session_lost`: the server no longer knows the session (it restarted): open a new one and call again;
 * `connection`: nothing answers (refused, reset, a stdio server gone): the server is down;
 * `server`: the server answered with an error (HTTP 5xx, a protocol error): retried, then the circuit.
 */
export type CallFailureKind = 'session_lost' | 'connection' | 'server';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causeCode(error: unknown): string | undefined {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 4;
    current = current.cause, depth++
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function callFailureKind(error: unknown): CallFailureKind {
  if (error instanceof StreamableHTTPError) return error.code === 404 ? 'session_lost' : 'server';
  if (error instanceof McpError) return error.code === (ErrorCode.ConnectionClosed as number) ? 'connection' : 'server';
  const code = causeCode(error);
  if (code !== undefined && CONNECTION_CODES.has(code)) return 'connection';
  // undici's "fetch failed" without a known cause, or a transport that is not connected
  if (error instanceof TypeError || (error instanceof Error && /not connected|fetch failed/i.test(error.message)))
    return 'connection';
  return 'server';
}
