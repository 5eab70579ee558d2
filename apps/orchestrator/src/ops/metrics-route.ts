import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '@switchyard/core';
import type { HttpRoute } from '@switchyard/mcp-server';
import { bearerToken } from '@switchyard/mcp-server';
import { authenticateViewer } from './authenticate-viewer.js';
import { refuseViewer } from './refuse-viewer.js';
import type { SwitchyardMetrics } from './switchyard-metrics.js';

/**
 * GET /metrics in Prometheus' text format. With `requireToken` (the default) the scraper sends
 * `Authorization: Bearer <token>` of a token with ops:read (or admin): metrics name every agent
 * and show the traffic, and the port may be reachable beyond loopback.
 */
export class MetricsRoute implements HttpRoute {
  readonly path = '/metrics';

  constructor(
    private readonly metrics: SwitchyardMetrics,
    private readonly authenticator: Authenticator,
    private readonly requireToken: boolean,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('GET /metrics\n');
      return;
    }
    if (this.requireToken) {
      try {
        await authenticateViewer(this.authenticator, bearerToken(req.headers.authorization));
      } catch (error) {
        if (refuseViewer(res, error)) return;
        throw error;
      }
    }
    const text = await this.metrics.text();
    res.writeHead(200, { 'content-type': this.metrics.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  }
}
