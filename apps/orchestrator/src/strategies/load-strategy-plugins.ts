import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StrategyRegistration, ValidationIssue } from '@switchyard/core';
import { ValidationError } from '@switchyard/core';
import { isStrategyDefinition, StrategyRegistry } from '@switchyard/core/internal';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';
import { findInstalledPackage } from './find-installed-package.js';

type PluginSpec = OrchestratorConfig['strategies'][number];

/**
 * A package name resolves from the config file's folder first, then the current folder, then
 * next to switchyard's own install: a plugin installed beside the config is found even when
 * switchyard is installed elsewhere (globally, or through npx).
 */
async function specifierFor(spec: PluginSpec, baseDir: string): Promise<string> {
  if (spec.package.startsWith('.') || isAbsolute(spec.package))
    return pathToFileURL(resolve(baseDir, spec.package)).href;
  for (const dir of new Set([baseDir, process.cwd()])) {
    const entry = await findInstalledPackage(spec.package, dir);
    if (entry !== undefined) return pathToFileURL(entry).href;
  }
  return spec.package;
}

async function importPlugin(
  spec: PluginSpec,
  baseDir: string,
): Promise<{ module?: Record<string, unknown>; problem?: string }> {
  const isPath = spec.package.startsWith('.') || isAbsolute(spec.package);
  const specifier = await specifierFor(spec, baseDir);
  try {
    return { module: (await import(specifier)) as Record<string, unknown> };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (
      code === 'ERR_MODULE_NOT_FOUND' &&
      (error as Error).message.includes(isPath ? resolve(baseDir, spec.package) : `'${spec.package}'`)
    ) {
      return {
        problem: isPath
          ? `no file at ${resolve(baseDir, spec.package)}`
          : `cannot find the package '${spec.package}': install it beside the config file (npm install ${spec.package} in ${baseDir}), or give a path`,
      };
    }
    return { problem: `cannot load '${spec.package}': ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Imports the strategy plugins config names (see specifierFor; paths are relative to the config
 * file) and checks each the way core will register it, so every problem names its entry: not
 * found, not a strategy, an API version this Switchyard does not speak, options its own schema
 * refuses, a name already taken. None of a plugin's code but its options schema runs here:
 * core's StrategyRegistry creates each strategy once. All problems come in one ValidationError.
 */
export async function loadStrategyPlugins(
  specs: readonly PluginSpec[],
  baseDir: string,
): Promise<StrategyRegistration[]> {
  const issues: ValidationIssue[] = [];
  const registrations: StrategyRegistration[] = [];
  // Built-ins only: tells taken names and runs the same checks as the real registration.
  const names = new StrategyRegistry({ now: () => 0, random: () => 0 });
  const taken = new Set(names.names());
  for (const [index, spec] of specs.entries()) {
    const field = `strategies.${String(index)}`;
    const { module, problem } = await importPlugin(spec, baseDir);
    if (module === undefined) {
      issues.push({ field: `${field}.package`, message: problem ?? 'cannot load' });
      continue;
    }
    if (!isStrategyDefinition(module.default)) {
      issues.push({
        field: `${field}.package`,
        message: `'${spec.package}' must export default defineStrategy({ name, optionsSchema, create }) from @switchyard/core`,
      });
      continue;
    }
    const registration: StrategyRegistration = {
      definition: module.default,
      options: spec.options ?? {},
      source: `${field}: ${spec.package}`,
      ...(spec.name === undefined ? {} : { name: spec.name }),
    };
    try {
      const checked = names.check(registration.definition, registration.options, registration.name);
      if (taken.has(checked.name))
        throw ValidationError.field(
          'name',
          `a strategy named '${checked.name}' is already registered`,
          `strategy '${checked.name}'`,
        );
      taken.add(checked.name);
      registrations.push(registration);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(
        ...error.issues.map((issue) => ({
          field: `${field}.${issue.field === 'strategy' ? 'package' : issue.field}`,
          message: `${spec.package}: ${issue.message}`,
        })),
      );
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'strategy plugins');
  return registrations;
}
