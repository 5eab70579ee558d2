import { ValidationError } from '../errors/validation-error.js';
import { StrategyNameSchema } from '../models/identifiers.js';
import { BUILT_IN_STRATEGIES } from './built-in/built-in-strategies.js';
import type { StrategyDefinition, StrategyServices } from './define-strategy.js';
import { isStrategyDefinition } from './define-strategy.js';
import type { DistributionStrategy } from './distribution-strategy.js';
import { STRATEGY_API_VERSION } from './strategy-api-version.js';

/** The name that stands for the configured custom strategy. */
const CUSTOM_STRATEGY_ALIAS = 'custom';

export interface RegisteredStrategy {
  readonly name: string;
  readonly strategy: DistributionStrategy;
  readonly definition: StrategyDefinition;
}

/** Strategies by name: the built-ins, and every plugin registered with its validated options. */
export class StrategyRegistry {
  private readonly strategies = new Map<string, RegisteredStrategy>();
  private customStrategy: string | undefined;

  constructor(private readonly services: StrategyServices) {
    for (const definition of BUILT_IN_STRATEGIES) this.register(definition);
  }

  /**
   * Validates and instantiates a strategy. `name` overrides the definition's name (to run one
   * plugin twice with different options). Throws ValidationError and registers nothing on any problem.
   */
  register(definition: unknown, options: unknown = {}, name?: string): RegisteredStrategy {
    if (!isStrategyDefinition(definition)) {
      throw ValidationError.field('strategy', 'is not a strategy definition: export default defineStrategy({ name, optionsSchema, create })');
    }
    const strategyName = name ?? definition.name;
    const context = `strategy '${strategyName}'`;
    if (definition.apiVersion !== STRATEGY_API_VERSION) {
      throw ValidationError.field(
        'apiVersion',
        `strategy API version ${String(definition.apiVersion)} is not supported (this Switchyard speaks ${String(STRATEGY_API_VERSION)}); rebuild the plugin against a matching @switchyard/core`,
        context,
      );
    }
    const parsedName = StrategyNameSchema.safeParse(strategyName);
    if (!parsedName.success) throw ValidationError.fromZod(parsedName.error, context, 'name');
    if (strategyName === CUSTOM_STRATEGY_ALIAS) {
      throw ValidationError.field('name', `'${CUSTOM_STRATEGY_ALIAS}' is reserved: it points at the configured customStrategy`, context);
    }
    if (this.strategies.has(strategyName)) {
      throw ValidationError.field('name', `a strategy named '${strategyName}' is already registered`, context);
    }
    const parsedOptions = definition.optionsSchema.safeParse(options);
    if (!parsedOptions.success) throw ValidationError.fromZod(parsedOptions.error, context, 'options');
    const registered: RegisteredStrategy = {
      name: strategyName,
      strategy: definition.create(parsedOptions.data, this.services),
      definition,
    };
    this.strategies.set(strategyName, registered);
    return registered;
  }

  /** Names the strategy that `custom` resolves to; it must already be registered. */
  setCustomStrategy(name: string): void {
    if (!this.strategies.has(name)) {
      throw ValidationError.field('customStrategy', `no strategy named '${name}' is registered (known: ${this.names().join(', ')})`);
    }
    this.customStrategy = name;
  }

  /** The strategy for a name, with `custom` meaning the configured custom strategy. */
  resolve(name: string): RegisteredStrategy {
    const target = name === CUSTOM_STRATEGY_ALIAS ? this.customStrategy : name;
    if (target === undefined) {
      throw ValidationError.field('strategy', "'custom' needs a customStrategy in the configuration, naming a registered plugin");
    }
    const registered = this.strategies.get(target);
    if (registered === undefined) {
      throw ValidationError.field('strategy', `unknown strategy '${name}' (known: ${[...this.names(), CUSTOM_STRATEGY_ALIAS].join(', ')})`);
    }
    return registered;
  }

  /** The strategy registered under exactly this name, if any. */
  find(name: string): RegisteredStrategy | undefined {
    return this.strategies.get(name);
  }

  names(): string[] {
    return [...this.strategies.keys()];
  }
}
