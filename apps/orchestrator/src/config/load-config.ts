import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { ValidationError } from '@switchyard/core';
import { parse as parseYaml } from 'yaml';
import { importOptionalPackages } from '../optional/optional-packages.js';
import { applyEnvOverrides } from './apply-env-overrides.js';
import type { OrchestratorConfig } from './orchestrator-config.js';
import { createOrchestratorConfigSchema } from './orchestrator-config.js';

export interface LoadedConfig {
  readonly config: OrchestratorConfig;
  readonly source: string;
  /** Where relative paths in the config (strategy plugins) start from. */
  readonly baseDir: string;
  /** Config paths set from SWITCHYARD_* variables. */
  readonly overrides: readonly string[];
}

/** Parses file text as JSON or YAML (by extension; YAML also reads JSON). */
export function parseConfigText(text: string, path: string): unknown {
  try {
    return extname(path).toLowerCase() === '.json' ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (error) {
    throw ValidationError.field(
      '',
      `cannot parse ${path}: ${error instanceof Error ? error.message : String(error)}`,
      'config',
    );
  }
}

/**
 * Validates a raw config (after env overrides); every problem is listed in one ValidationError.
 * Async because sections may need an optional package (NATS, fast-agent), imported first.
 */
export async function resolveConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv = {},
): Promise<{ config: OrchestratorConfig; overrides: string[] }> {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw ValidationError.field('', 'the config must be a mapping of sections', 'config');
  }
  const { config, applied } = applyEnvOverrides((raw ?? {}) as Record<string, unknown>, env);
  const parsed = createOrchestratorConfigSchema(await importOptionalPackages(config)).safeParse(config);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, 'config');
  return { config: parsed.data, overrides: applied };
}

/** Reads the config file (or none: all defaults), applies SWITCHYARD_* overrides, validates. */
export async function loadConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedConfig> {
  if (path === undefined) {
    const { config, overrides } = await resolveConfig({}, env);
    return { config, source: '(defaults)', baseDir: process.cwd(), overrides };
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw ValidationError.field(
      '',
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
      'config',
    );
  }
  const { config, overrides } = await resolveConfig(parseConfigText(text, path), env);
  return { config, source: path, baseDir: dirname(resolve(path)), overrides };
}
