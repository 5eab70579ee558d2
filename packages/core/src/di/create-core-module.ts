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
import type { StrategyServices } from '../strategies/define-strategy.js';
import { StrategyRegistry } from '../strategies/strategy-registry.js';
import { parseInput } from '../validation/parse-input.js';
import { TOKENS } from './tokens.js';

/** A plugin strategy to register, as config names it. */
export interface StrategyRegistration {
  readonly definition: unknown;
  readonly options?: unknown;
  /** Registers the plugin under another name (to run it twice with different options). */
  readonly name?: string;
}

export interface CoreModuleParts {
  readonly strategies?: readonly StrategyRegistration[];
  readonly authenticator?: Authenticator;
  /** SHA-256 for the default TokenAuthenticator (a runtime's synchronous one is faster than WebCrypto). */
  readonly tokenDigest?: TokenDigest;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly taskStore?: TaskStore;
  /** Randomness for strategies, uniform in [0, 1). */
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
    const random = parts.random ?? Math.random;
    bind(TOKENS.CoreOptions).toConstantValue(coreOptions);
    bind(TOKENS.Clock).toConstantValue(clock);
    bind(TOKENS.Logger).toConstantValue(parts.logger ?? new SilentLogger());
    bind(TOKENS.TaskStore).toConstantValue(parts.taskStore ?? new InMemoryTaskStore(coreOptions.tasks.retainFinished));
    bind(TOKENS.Authenticator).toConstantValue(parts.authenticator ?? new TokenAuthenticator(coreOptions.auth.tokens, parts.tokenDigest));
    bind(TOKENS.StrategyServices).toConstantValue({ now: () => clock.now(), random } satisfies StrategyServices);
    bind(AgentRegistry)
      .toDynamicValue(() => new AgentRegistry({ maxCandidatePools: coreOptions.distribution.maxCandidatePools }))
      .inSingletonScope();
    bind(StrategyRegistry)
      .toDynamicValue((context) => {
        const registry = new StrategyRegistry(context.get(TOKENS.StrategyServices));
        for (const plugin of parts.strategies ?? []) registry.register(plugin.definition, plugin.options ?? {}, plugin.name);
        const { defaultStrategy, customStrategy, capabilityStrategies } = coreOptions.distribution;
        if (customStrategy !== undefined) registry.setCustomStrategy(customStrategy);
        const named: [field: string, strategy: string][] = [
          ['distribution.defaultStrategy', defaultStrategy],
          ...Object.entries(capabilityStrategies).map(([capability, name]): [string, string] => [`distribution.capabilityStrategies.${capability}`, name]),
        ];
        const problems = named.flatMap(([field, name]) => {
          if (name === 'custom') return customStrategy === undefined ? [{ field: 'distribution.customStrategy', message: `is required when ${field} is 'custom'` }] : [];
          return registry.find(name) === undefined ? [{ field, message: `unknown strategy '${name}' (known: ${registry.names().join(', ')}, custom)` }] : [];
        });
        if (problems.length > 0) throw new ValidationError(problems, 'core options');
        return registry;
      })
      .inSingletonScope();
    bind(CommunicationManager).toSelf().inSingletonScope();
    bind(TaskDistributor).toSelf().inSingletonScope();
    bind(OrchestrationEngine).toSelf().inSingletonScope();
  });
}
