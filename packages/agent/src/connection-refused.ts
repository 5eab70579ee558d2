/** Socket error codes that mean nothing answers at the other end (refused, reset, unreachable). */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether a failed call to a remote agent (an adapter's HTTP call: fetch wraps the socket's error
 * in its cause chain) failed because nothing answers there: an adapter takes such an agent
 * offline at once instead of retrying it.
 */
export function isConnectionRefused(error: unknown): boolean {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 4;
    current = current.cause, depth++
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return CONNECTION_CODES.has(code);
  }
  return false;
}
