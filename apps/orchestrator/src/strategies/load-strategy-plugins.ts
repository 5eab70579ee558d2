import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StrategyRegistration, ValidationIssue } from '@switchyard/core';
import { ValidationError } from '@switchyard/core';
import { isStrategyDefinition, StrategyRegistry } from '@switchyard/core/internal';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';

type PluginSpec = OrchestratorConfig['strategies'][number];

async function importPlugin(spec: PluginSpec, baseDir: string): Promise<{ module?: Record<string, unknown>; problem?: string }> {
  const isPath = spec.package.startsWith('.') || isAbsolute(spec.package);
  const specifier = isPath ? pathToFileURL(resolve(baseDir, spec.package)).href : spec.package;
  try {
    return { module: (await import(specifier)) as Record<string, unknown> };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && (error as Error).message.includes(isPath ? resolve(baseDir, spec.package) : `'${spec.package}'`)) {
      return {
        problem: isPath
          ? `no file at ${resolve(baseDir, spec.package)}`
          : `cannot find the package '${spec.package}': install it where switchyard runs (npm install ${spec.package}), or give a path`,
      };
    }
    return { problem: `cannot load '${spec.package}': ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Imports the strategy plugins config names (package names resolve like any import from the
 * app; paths are relative to the config file) and checks each the way core will register it, so
 * every problem names its entry: not found, not a strategy, another API version, options its own
 * schema refuses, a name already taken. All problems come in one ValidationError.
 */
export async function loadStrategyPlugins(specs: readonly PluginSpec[], baseDir: string): Promise<StrategyRegistration[]> {
  const issues: ValidationIssue[] = [];
  const registrations: StrategyRegistration[] = [];
  const probe = new StrategyRegistry({ now: () => Date.now(), random: Math.random });
  for (const [index, spec] of specs.entries()) {
    const field = `strategies.${String(index)}`;
    const { module, problem } = await importPlugin(spec, baseDir);
    if (module === undefined) {
      issues.push({ field: `${field}.package`, message: problem ?? 'cannot load' });
      continue;
    }
    if (!isStrategyDefinition(module.default)) {
      issues.push({ field: `${field}.package`, message: `'${spec.package}' must export default defineStrategy({ name, optionsSchema, create }) from @switchyard/core` });
      continue;
    }
    const registration: StrategyRegistration = { definition: module.default, options: spec.options ?? {}, ...(spec.name === undefined ? {} : { name: spec.name }) };
    try {
      probe.register(registration.definition, registration.options, registration.name);
      registrations.push(registration);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues.map((issue) => ({ field: `${field}.${issue.field === 'strategy' ? 'package' : issue.field}`, message: `${spec.package}: ${issue.message}` })));
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'strategy plugins');
  return registrations;
}
