/** Prefix of environment variables that override config values. */
export const ENV_PREFIX = 'SWITCHYARD_';

/**
 * SWITCHYARD_* variables that are not config values: the config file's path, the client
 * commands' orchestrator URL and token (SWITCHYARD_TOKEN is also the stdio session's token), and
 * the test helpers' fast-agent and a2a venvs, nats-server choice and bin dir, and `npm test`'s CPU burner
 * switch (every CLI process of a loaded test run inherits it). Read as overrides, they would be
 * refused as unknown keys.
 */
const NOT_CONFIG = new Set(
  ['CONFIG', 'TOKEN', 'URL', 'FAST_AGENT_VENV', 'A2A_VENV', 'NATS_SERVER', 'BIN_DIR', 'TEST_STRESS'].map(
    (name) => `${ENV_PREFIX}${name}`,
  ),
);

function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Values are JSON when they parse as JSON (numbers, booleans, arrays), text otherwise. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * `SWITCHYARD_DISTRIBUTION__DEFAULT_STRATEGY=round_robin` sets `distribution.defaultStrategy`:
 * `__` separates levels, each level is SCREAMING_SNAKE for a camelCase key. Returns a new object.
 */
export function applyEnvOverrides(
  config: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): { config: Record<string, unknown>; applied: string[] } {
  const result = structuredClone(config);
  const applied: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined || NOT_CONFIG.has(name)) continue;
    const path = name
      .slice(ENV_PREFIX.length)
      .split('__')
      .filter((segment) => segment.length > 0)
      .map(camelCase);
    if (path.length === 0) continue;
    let target: Record<string, unknown> = result;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[path[path.length - 1] as string] = parseValue(raw);
    applied.push(path.join('.'));
  }
  return { config: result, applied };
}
