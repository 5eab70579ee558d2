import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Another handler served by the MCP endpoint's HTTP server at an exact path (the app's metrics
 * and dashboard), so an operator has one port to open. It answers the request itself, auth included.
 */
export interface HttpRoute {
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}
