import { isConnectionRefused } from '@switchyard/agent';
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

export function a2aFailureKind(error: unknown): A2aFailureKind {
  if (error instanceof A2aHttpStatusError)
    return error.status === 401 || error.status === 403 ? 'unauthorized' : 'server';
  if (isJsonRpcError(error) || isRestError(error)) return 'refused';
  if (isConnectionRefused(error)) return 'connection';
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return 'connection';
  return 'server';
}
