import type { ServerResponse } from 'node:http';
import { AuthenticationError, AuthorizationError } from '@switchyard/core';

/** 401 (with the Bearer challenge Prometheus and curl understand) or 403, as plain text; false for errors that are not about the token. */
export function refuseViewer(res: ServerResponse, error: unknown): boolean {
  if (error instanceof AuthenticationError) {
    res.writeHead(401, {
      'content-type': 'text/plain; charset=utf-8',
      'www-authenticate': 'Bearer realm="switchyard"',
    });
    res.end(`${error.code}: ${error.message}\n`);
    return true;
  }
  if (error instanceof AuthorizationError) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${error.code}: ${error.message}\n`);
    return true;
  }
  return false;
}
