import { ContainerModule } from 'inversify';
import type { Authenticator } from '../auth/authenticator.js';
import type { TokenDigest } from '../auth/token-digest.js';
import { TokenAuthenticator } from '../auth/token-authenticator.js';
import { CommunicationManager } from '../communication/communication-manager.js';
import { InMemoryTaskStore } from '../distribution/in-memory-task-store.js';
import { TaskDistributor } from '../distribution/task-distributor.js';
import type { CoreOptionsInput } from '../engine/core-options.js';
import { CoreOptionsSchema } from '../engine/core-options.js';
import { OrchestrationEngine } from '../engine/orchestration-engine.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { SilentLogger } from '../ports/silent-logger.js';
import { SystemClock } from '../ports/system-clock.js';
import type { TaskStore } from '../ports/task-store.js';
import { AgentRegistry } from '../registry/agent-registry.js';
import type { StrategyServices } from '../strategies/strategy-services.js';
import { StrategyRegistry } from '../strategies/strategy-registry.js';
import { parseInput } from '../validation/parse-input.js';
import { TOKENS } from './tokens.js';

/** A plugin strategy to register, as config names it. */
export interface StrategyRegistration {
  readonly definition: unknown;
  readonly options?: unknown;
  /** Registers the plugin under another name (to run it twice with different options). */
  readonly name?: string;
  /** Where it came from (a config entry and package), for messages. */
  readonly source?: string;
}

export interface CoreModuleParts {
  readonly strategies?: readonly StrategyRegistration[];
  readonly authenticator?: Authenticator;
  /** SHA-256 for the default TokenAuthenticator (a runtime's synchronous one is faster than WebCrypto). */
  readonly tokenDigest?: TokenDigest;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly taskStore?: TaskStore;
  /**
   * Randomness for every strategy and for retry jitter, uniform in [0, 1). When absent each
   * strategy gets a generator of its own, seeded from distribution.randomSeed and its name.
   */
  readonly random?: () => number;
}

/**
 * Binds everything core provides. The transport is not among it: load a transport's module
 * beside this one. Options are validated here, so a bad config fails before anything starts.
 */
export function createCoreModule(options: CoreOptionsInput = {}, parts: CoreModuleParts = {}): ContainerModule {
  const coreOptions = parseInput(CoreOptionsSchema, options, 'core options');
  return new ContainerModule(({ bind }) => {
    const clock = parts.clock ?? new SystemClock();
    const random = parts.random;
    bind(TOKENS.CoreOptions).toConstantValue(coreOptions);
    bind(TOKENS.Clock).toConstantValue(clock);
    bind(TOKENS.Logger).toConstantValue(parts.logger ?? new SilentLogger());
    bind(TOKENS.TaskStore).toConstantValue(parts.taskStore ?? new InMemoryTaskStore(coreOptions.tasks.retainFinished));
    bind(TOKENS.Authenticator).toConstantValue(
      parts.authenticator ?? new TokenAuthenticator(coreOptions.auth.tokens, parts.tokenDigest),
    );
    const now = (): number => clock.now();
    bind(TOKENS.StrategyServices).toConstantValue({ now, random: random ?? Math.random } satisfies Pick<
      StrategyServices,
      'now' | 'random'
    >);
    bind(AgentRegistry)
      .toDynamicValue(() => new AgentRegistry({ maxCandidatePools: coreOptions.distribution.maxCandidatePools }))
      .inSingletonScope();
    bind(StrategyRegistry)
      .toDynamicValue((context) => {
        const { defaultStrategy, customStrategy, capabilityStrategies, randomSeed } = coreOptions.distribution;
        const sharedState = context.get(TOKENS.SharedState, { optional: true });
        const registry = new StrategyRegistry({
          now,
          ...(random === undefined ? {} : { random }),
          ...(randomSeed === undefined ? {} : { seed: randomSeed }),
          logger: context.get(TOKENS.Logger),
          agents: context.get(AgentRegistry),
          ...(sharedState === undefined ? {} : { sharedState }),
        });
        try {
          for (const plugin of parts.strategies ?? [])
            registry.register(plugin.definition, plugin.options ?? {}, plugin.name, plugin.source);
          if (customStrategy !== undefined) registry.setCustomStrategy(customStrategy);
        } catch (error) {
          // The ones already created may hold timers or connections.
          registry.dispose();
          throw error;
        }
        const named: [field: string, strategy: string][] = [
          ['distribution.defaultStrategy', defaultStrategy],
          ...Object.entries(capabilityStrategies).map(([capability, name]): [string, string] => [
            `distribution.capabilityStrategies.${capability}`,
            name,
          ]),
        ];
        const problems = named.flatMap(([field, name]) => {
          if (name === 'custom')
            return customStrategy === undefined
              ? [{ field: 'distribution.customStrategy', message: `is required when ${field} is 'custom'` }]
              : [];
          return registry.find(name) === undefined
            ? [{ field, message: `unknown strategy '${name}' (known: ${registry.names().join(', ')}, custom)` }]
            : [];
        });
        if (problems.length > 0) {
          registry.dispose();
          throw new ValidationError(problems, 'core options');
        }
        return registry;
      })
      .inSingletonScope();
    bind(CommunicationManager).toSelf().inSingletonScope();
    bind(TaskDistributor).toSelf().inSingletonScope();
    bind(OrchestrationEngine).toSelf().inSingletonScope();
  });
}
