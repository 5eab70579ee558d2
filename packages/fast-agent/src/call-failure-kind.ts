import { isConnectionRefused } from '@switchyard/agent';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/**
 * Why a call to a fast-agent server failed, as far as the bridge acts on it:
 * `session_lost`: the server no longer knows the session (it restarted): open a new one and call again;
 * `connection`: nothing answers (refused, reset, a stdio server gone): the server is down;
 * `server`: the server answered with an error (HTTP 5xx, a protocol error): retried, then the circuit.
 */
export type CallFailureKind = 'session_lost' | 'connection' | 'server';

export function callFailureKind(error: unknown): CallFailureKind {
  if (error instanceof StreamableHTTPError) return error.code === 404 ? 'session_lost' : 'server';
  if (error instanceof McpError) return error.code === (ErrorCode.ConnectionClosed as number) ? 'connection' : 'server';
  if (isConnectionRefused(error)) return 'connection';
  // undici's "fetch failed" without a known cause, or a transport that is not connected
  if (error instanceof TypeError || (error instanceof Error && /not connected|fetch failed/i.test(error.message)))
    return 'connection';
  return 'server';
}
