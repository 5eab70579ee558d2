import { ValidationError } from '@switchyard/core';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';

/** Where the client commands connect, and with which token. */
export interface ClientTarget {
  readonly url: URL;
  readonly token: string;
}

export interface ClientFlags {
  readonly url?: string;
  readonly token?: string;
}

/** The MCP endpoint `switchyard start` serves with this config (a wildcard listen address is reached on loopback); none without the MCP server package. */
function servedUrl(config: OrchestratorConfig): string | undefined {
  if (!('host' in config.mcp.http)) return undefined;
  const { host, port } = config.mcp.http;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${String(port)}/mcp`;
}

/**
 * Each from the first that gives it: the flag, then SWITCHYARD_URL / SWITCHYARD_TOKEN, then the
 * config's `client.url` / `client.token`; the URL last of all from the config's `mcp.http`.
 */
export function resolveClientTarget(
  flags: ClientFlags,
  env: NodeJS.ProcessEnv,
  config: OrchestratorConfig,
): ClientTarget {
  const url = flags.url ?? env.SWITCHYARD_URL ?? config.client.url ?? servedUrl(config);
  const token = flags.token ?? env.SWITCHYARD_TOKEN ?? config.client.token;
  const issues = [
    ...(url === undefined
      ? [{ field: 'url', message: 'required: give --url, set SWITCHYARD_URL, or set client.url in the config' }]
      : URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)
        ? []
        : [{ field: 'url', message: `'${url}' is not an http(s) URL` }]),
    ...(token === undefined || token.trim() === ''
      ? [{ field: 'token', message: 'required: give --token, set SWITCHYARD_TOKEN, or set client.token in the config' }]
      : []),
  ];
  if (issues.length > 0) throw new ValidationError(issues, 'orchestrator connection');
  return { url: new URL(url as string), token: (token as string).trim() };
}
