import { isJsonRpcError, isRestError } from '@a2a-js/sdk/errors';
import { A2aHttpStatusError } from './a2a-http-status-error.js';

/**
 * Why a call to an A2A agent failed, as far as the adapter acts on it:
 * `connection`: nothing answers (refused, reset): the agent is unreachable, offline at once;
 * `unauthorized`: HTTP 401/403: the credentials are missing or wrong (not retried);
 * `refused`: the agent answered a JSON-RPC error (invalid params, unsupported…): not retried;
 * `server`: an HTTP 5xx or a broken stream: retried by the orchestrator, counted by the circuit breaker.
 */
export type A2aFailureKind = 'connection' | 'unauthorized' | 'refused' | 'server';

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

export function a2aFailureKind(error: unknown): A2aFailureKind {
  if (error instanceof A2aHttpStatusError)
    return error.status === 401 || error.status === 403 ? 'unauthorized' : 'server';
  if (isJsonRpcError(error) || isRestError(error)) return 'refused';
  const code = causeCode(error);
  if (code !== undefined && CONNECTION_CODES.has(code)) return 'connection';
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return 'connection';
  return 'server';
}
