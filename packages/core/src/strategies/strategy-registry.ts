import { StrategyError } from '../errors/strategy-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { StrategyNameSchema } from '../models/identifiers.js';
import type { Logger } from '../ports/logger.js';
import { SilentLogger } from '../ports/silent-logger.js';
import type { AgentChange } from '../registry/agent-registry.js';
import { BUILT_IN_STRATEGIES } from './built-in/built-in-strategies.js';
import type { StrategyDefinition } from './define-strategy.js';
import { isStrategyDefinition } from './define-strategy.js';
import type { DistributionStrategy, StrategyChoice } from './distribution-strategy.js';
import { ScopedLogger } from './scoped-logger.js';
import { ScopedSharedState } from './scoped-shared-state.js';
import { seededRandom } from './seeded-random.js';
import { STRATEGY_API_VERSION, SUPPORTED_STRATEGY_API_VERSIONS } from './strategy-api-version.js';
import type { StrategyHost } from './strategy-host.js';
import type { StrategyMetricSample } from './strategy-metrics-recorder.js';
import { StrategyMetricsRecorder } from './strategy-metrics-recorder.js';
import type { AgentEvent, StrategyServices } from './strategy-services.js';

/** The name that stands for the configured custom strategy. */
const CUSTOM_STRATEGY_ALIAS = 'custom';

export interface RegisteredStrategy {
  readonly name: string;
  readonly strategy: DistributionStrategy<StrategyChoice>;
  readonly definition: StrategyDefinition;
  /** Its services' logger: the distributor reports the strategy's faults there. */
  readonly logger: Logger;
}

/** A definition that passed every check but has not been created yet. */
export interface CheckedStrategy {
  readonly name: string;
  readonly definition: StrategyDefinition;
  readonly options: unknown;
}

interface StrategyState {
  readonly metrics: StrategyMetricsRecorder;
  readonly listeners: Set<(event: AgentEvent) => void>;
}

/** Strategies by name: the built-ins, and every plugin registered with its validated options. */
export class StrategyRegistry {
  private readonly strategies = new Map<string, RegisteredStrategy>();
  private readonly states = new Map<string, StrategyState>();
  private customStrategy: string | undefined;
  private readonly seed: number;
  private readonly logger: Logger;
  /** The one subscription to the fleet, made when the first strategy listens. */
  private unwatch: (() => void) | undefined;
  private disposed = false;

  constructor(private readonly host: StrategyHost) {
    this.seed = host.seed ?? Math.floor(Math.random() * 0x1_0000_0000);
    this.logger = host.logger ?? new SilentLogger();
    for (const definition of BUILT_IN_STRATEGIES) this.register(definition);
  }

  /**
   * Everything register checks before it creates the strategy: a definition, a supported API
   * version, a free and valid name, options its schema accepts. Throws ValidationError naming
   * the field; runs none of the plugin's code but its schema.
   */
  check(definition: unknown, options: unknown = {}, name?: string): CheckedStrategy {
    if (!isStrategyDefinition(definition)) {
      throw ValidationError.field(
        'strategy',
        'is not a strategy definition: export default defineStrategy({ name, optionsSchema, create })',
      );
    }
    const strategyName = name ?? definition.name;
    const context = `strategy '${strategyName}'`;
    if (!SUPPORTED_STRATEGY_API_VERSIONS.includes(definition.apiVersion)) {
      throw ValidationError.field(
        'apiVersion',
        `strategy API version ${String(definition.apiVersion)} is not supported (this Switchyard speaks ${SUPPORTED_STRATEGY_API_VERSIONS.join(' and ')}, newest ${String(STRATEGY_API_VERSION)}); rebuild the plugin against a matching @switchyard/core`,
        context,
      );
    }
    const parsedName = StrategyNameSchema.safeParse(strategyName);
    if (!parsedName.success) throw ValidationError.fromZod(parsedName.error, context, 'name');
    if (strategyName === CUSTOM_STRATEGY_ALIAS) {
      throw ValidationError.field(
        'name',
        `'${CUSTOM_STRATEGY_ALIAS}' is reserved: it points at the configured customStrategy`,
        context,
      );
    }
    if (this.strategies.has(strategyName)) {
      throw ValidationError.field('name', `a strategy named '${strategyName}' is already registered`, context);
    }
    const parsedOptions = definition.optionsSchema.safeParse(options);
    if (!parsedOptions.success) throw ValidationError.fromZod(parsedOptions.error, context, 'options');
    return { name: strategyName, definition, options: parsedOptions.data };
  }

  /**
   * Checks and creates a strategy: create() runs exactly once. `name` overrides the definition's
   * name (to run one plugin twice with different options); `source` says where it came from, for
   * messages. Throws ValidationError (a check failed, or create() returned no select function) or
   * StrategyError STRATEGY_CREATE_FAILED (create() threw), and registers nothing then.
   */
  register(definition: unknown, options: unknown = {}, name?: string, source?: string): RegisteredStrategy {
    if (this.disposed)
      throw ValidationError.field('strategy', 'the strategies were disposed: build a new StrategyRegistry');
    const checked = this.check(definition, options, name);
    const state: StrategyState = { metrics: new StrategyMetricsRecorder(checked.name), listeners: new Set() };
    const logger = new ScopedLogger(this.logger, checked.name);
    const where = source === undefined ? '' : ` (${source})`;
    let strategy: DistributionStrategy<StrategyChoice>;
    try {
      strategy = checked.definition.create(checked.options, this.servicesFor(checked.name, state, logger));
    } catch (error) {
      state.listeners.clear();
      const reason = error instanceof Error ? error.message : String(error);
      throw new StrategyError(
        'STRATEGY_CREATE_FAILED',
        `Strategy '${checked.name}'${where}: create() threw: ${reason}`,
        { strategy: checked.name, ...(source === undefined ? {} : { source }) },
      );
    }
    // Plugins are someone else's JavaScript: the type says an object with select, the value may be anything.
    const returned: unknown = strategy;
    if (
      typeof returned !== 'object' ||
      returned === null ||
      typeof (returned as Partial<DistributionStrategy>).select !== 'function'
    ) {
      state.listeners.clear();
      disposeQuietly(strategy, logger);
      throw ValidationError.field(
        'create',
        `create() must return an object with a select(candidates, task) function${where}`,
        `strategy '${checked.name}'`,
      );
    }
    const registered: RegisteredStrategy = { name: checked.name, strategy, definition: checked.definition, logger };
    this.strategies.set(checked.name, registered);
    this.states.set(checked.name, state);
    return registered;
  }

  /** Names the strategy that `custom` resolves to; it must already be registered. */
  setCustomStrategy(name: string): void {
    if (!this.strategies.has(name)) {
      throw ValidationError.field(
        'customStrategy',
        `no strategy named '${name}' is registered (known: ${this.names().join(', ')})`,
      );
    }
    this.customStrategy = name;
  }

  /** The strategy for a name, with `custom` meaning the configured custom strategy. */
  resolve(name: string): RegisteredStrategy {
    const target = name === CUSTOM_STRATEGY_ALIAS ? this.customStrategy : name;
    if (target === undefined) {
      throw ValidationError.field(
        'strategy',
        "'custom' needs a customStrategy in the configuration, naming a registered plugin",
      );
    }
    const registered = this.strategies.get(target);
    if (registered === undefined) {
      throw ValidationError.field(
        'strategy',
        `unknown strategy '${name}' (known: ${[...this.names(), CUSTOM_STRATEGY_ALIAS].join(', ')})`,
      );
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

  /** Every strategy's counters and gauges (services.metrics), for /metrics. */
  metrics(): StrategyMetricSample[] {
    return [...this.states.values()].flatMap((state) => state.metrics.samples());
  }

  /**
   * Stops every strategy: agent events end, then each dispose() runs once (one that throws is
   * logged; the others still run). Called when the orchestrator stops; later calls do nothing.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unwatch?.();
    this.unwatch = undefined;
    for (const [name, registered] of this.strategies) {
      this.states.get(name)?.listeners.clear();
      disposeQuietly(registered.strategy, registered.logger);
    }
  }

  private servicesFor(name: string, state: StrategyState, logger: Logger): StrategyServices {
    const random = this.host.random ?? seededRandom(this.seed, name);
    const shared = this.host.sharedState;
    return Object.freeze({
      sharedState: shared === undefined ? undefined : new ScopedSharedState(shared, name),
      now: this.host.now,
      random,
      logger,
      metrics: state.metrics,
      agents: Object.freeze({
        on: (listener: (event: AgentEvent) => void): (() => void) => {
          if (typeof listener !== 'function')
            throw ValidationError.field('listener', 'must be a function', `agent events of strategy '${name}'`);
          if (this.disposed) return () => undefined;
          state.listeners.add(listener);
          this.watchAgents();
          return () => {
            state.listeners.delete(listener);
          };
        },
      }),
    });
  }

  private watchAgents(): void {
    if (this.unwatch !== undefined || this.host.agents === undefined) return;
    this.unwatch = this.host.agents.watch((change) => {
      this.deliver(change);
    });
  }

  private deliver(change: AgentChange): void {
    let event: AgentEvent | undefined;
    for (const [name, state] of this.states) {
      if (state.listeners.size === 0) continue;
      const delivered = (event ??=
        change.type === 'changed'
          ? { type: 'changed', agent: change.agent.view, changes: [...change.changes] }
          : { type: change.type, agent: change.agent.view });
      for (const listener of [...state.listeners]) {
        try {
          listener(delivered);
        } catch (error) {
          this.strategies.get(name)?.logger.warn('an agent event listener threw', {
            event: change.type,
            agentId: change.agent.id,
            error: String(error),
          });
        }
      }
    }
  }
}

function disposeQuietly(strategy: unknown, logger: Logger): void {
  const dispose =
    typeof strategy === 'object' && strategy !== null ? (strategy as Partial<DistributionStrategy>).dispose : undefined;
  if (typeof dispose !== 'function') return;
  try {
    dispose.call(strategy);
  } catch (error) {
    logger.warn('dispose() threw', { error: String(error) });
  }
}
