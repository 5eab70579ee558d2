import type { z } from 'zod';
import type { AgentView } from '../models/agent-view.js';
import type { DistributionStrategy, StrategyChoice } from './distribution-strategy.js';
import { STRATEGY_API_VERSION } from './strategy-api-version.js';
import type { StrategyServices } from './strategy-services.js';

/** A strategy as a package exports it: a name, an options schema and a factory. */
export interface StrategyDefinition<Options = unknown, Choice extends StrategyChoice = StrategyChoice> {
  readonly kind: 'switchyard.strategy';
  readonly apiVersion: number;
  readonly name: string;
  readonly description: string;
  readonly optionsSchema: z.ZodType<Options>;
  create(options: Options, services: StrategyServices): DistributionStrategy<Choice>;
}

/** `Choice` is what the strategy's select returns, as written: a test of the plugin sees that type. */
export interface StrategyDefinitionInput<Schema extends z.ZodType, Choice extends StrategyChoice> {
  readonly name: string;
  readonly description?: string;
  readonly optionsSchema: Schema;
  create(options: z.output<Schema>, services: StrategyServices): DistributionStrategy<Choice>;
}

/** The one way to make a strategy, built-in or plugin: `export default defineStrategy({...})`. */
export function defineStrategy<Schema extends z.ZodType, Choice extends StrategyChoice = AgentView | undefined>(
  input: StrategyDefinitionInput<Schema, Choice>,
): StrategyDefinition<z.output<Schema>, Choice> {
  return {
    kind: 'switchyard.strategy',
    apiVersion: STRATEGY_API_VERSION,
    name: input.name,
    description: input.description ?? '',
    optionsSchema: input.optionsSchema as z.ZodType<z.output<Schema>>,
    create: (options, services) => input.create(options, services),
  };
}

/** True for anything defineStrategy produced (also from another copy of @switchyard/core). */
export function isStrategyDefinition(value: unknown): value is StrategyDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof StrategyDefinition, unknown>>;
  return (
    candidate.kind === 'switchyard.strategy' &&
    typeof candidate.apiVersion === 'number' &&
    typeof candidate.name === 'string' &&
    typeof candidate.create === 'function' &&
    typeof candidate.optionsSchema === 'object' &&
    candidate.optionsSchema !== null
  );
}
