import type { AgentCard } from '@a2a-js/sdk';
import { ValidationError } from '@switchyard/core';
import type { A2aAuth } from './a2a-agents-options.js';
import { A2aHttpStatusError } from './a2a-http-status-error.js';

type Secret = NonNullable<A2aAuth['bearer']>;

/** A secret's value: from the config, or the environment variable it names (missing: a ValidationError naming the field). */
export function secretValue(secret: Secret, field: string, env: NodeJS.ProcessEnv): string {
  if (secret.value !== undefined) return secret.value;
  const name = secret.env ?? '';
  const value = env[name];
  if (value === undefined || value === '')
    throw ValidationError.field(field, `the environment variable ${name} is not set`, 'a2a agents');
  return value;
}

/** How each request to the agent carries its credentials, from the security schemes its card declares. */
export interface A2aCredentials {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** Schemes the card declares that the config gives no secret for (requests go without them). */
  readonly unmet: readonly string[];
}

/**
 * Matches the card's security schemes with the configured secrets: an HTTP `bearer` scheme gets
 * `Authorization: Bearer <bearer>`, an API-key scheme gets `apiKey` in its header, query parameter
 * or cookie. OAuth2, OpenID Connect and mutual TLS schemes are not supported (listed in `unmet`).
 */
export function a2aCredentials(
  card: AgentCard,
  auth: A2aAuth | undefined,
  field: string,
  env: NodeJS.ProcessEnv,
): A2aCredentials {
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  const unmet: string[] = [];
  for (const [name, scheme] of Object.entries(card.securitySchemes)) {
    const declared = scheme.scheme;
    if (declared?.$case === 'httpAuthSecurityScheme' && declared.value.scheme.toLowerCase() === 'bearer') {
      if (auth?.bearer === undefined) unmet.push(name);
      else headers.authorization = `Bearer ${secretValue(auth.bearer, `${field}.auth.bearer`, env)}`;
      continue;
    }
    if (declared?.$case === 'apiKeySecurityScheme') {
      if (auth?.apiKey === undefined) {
        unmet.push(name);
        continue;
      }
      const key = secretValue(auth.apiKey, `${field}.auth.apiKey`, env);
      const location = declared.value.location.toLowerCase();
      if (location === 'query') query[declared.value.name] = key;
      else if (location === 'cookie') headers.cookie = `${declared.value.name}=${encodeURIComponent(key)}`;
      else headers[declared.value.name.toLowerCase()] = key;
      continue;
    }
    unmet.push(name);
  }
  return { headers, query, unmet };
}

/**
 * fetch for the A2A client: adds the credentials, and turns the answers the adapter acts on
 * (401/403, 5xx) into A2aHttpStatusError before the SDK reads them.
 */
export function fetchWithCredentials(credentials: () => A2aCredentials): typeof fetch {
  return async (input, init) => {
    const { headers, query } = credentials();
    const url = new URL(input instanceof Request ? input.url : String(input));
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const merged = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    for (const [name, value] of Object.entries(headers)) if (!merged.has(name)) merged.set(name, value);
    const response = await fetch(url, { ...init, headers: merged });
    if (response.status === 401 || response.status === 403 || response.status >= 500) {
      const body = await response.text().catch(() => '');
      throw new A2aHttpStatusError(response.status, url.origin + url.pathname, body);
    }
    return response;
  };
}
