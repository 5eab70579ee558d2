import type {
  AgentEvent,
  AgentEvents,
  LogFields,
  Logger,
  SharedState,
  StrategyMetrics,
  StrategyServices,
} from '@switchyard/core';
import { seededRandom } from '@switchyard/core';

/** One line a strategy logged. */
export interface LoggedEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** Where agent events come from in a test: a CandidateFleet, or nothing (then only emit() sends any). */
export interface AgentEventSource {
  onAgentEvent(listener: (event: AgentEvent) => void): () => void;
}

export interface TestStrategyServicesOptions {
  /** The clock; 0 by default. */
  readonly now?: () => number;
  /** The randomness; by default a generator seeded with `seed`. */
  readonly random?: () => number;
  /** Seeds the default `random` (1 by default), as distribution.randomSeed does in production. */
  readonly seed?: number;
  /** Tell the strategy of this fleet's joins, leaves and changes. */
  readonly fleet?: AgentEventSource;
  /** What services.sharedState is (none by default, as on the memory transport). */
  readonly sharedState?: SharedState;
}

/**
 * The services a strategy's create() receives, for plugin tests: what it logs is kept in `logs`,
 * its metrics in `metric(name)`, and `emit` sends agent events besides those of the fleet.
 */
export class TestStrategyServices implements StrategyServices {
  readonly now: () => number;
  readonly random: () => number;
  readonly logs: LoggedEntry[] = [];
  readonly logger: Logger;
  readonly metrics: StrategyMetrics;
  readonly agents: AgentEvents;
  readonly sharedState: SharedState | undefined;
  private readonly values = new Map<string, number>();
  private readonly listeners = new Set<(event: AgentEvent) => void>();

  constructor(options: TestStrategyServicesOptions = {}) {
    this.now = options.now ?? (() => 0);
    this.random = options.random ?? seededRandom(options.seed ?? 1, 'test');
    this.sharedState = options.sharedState;
    const log = (level: LoggedEntry['level']) => (message: string, fields?: LogFields) => {
      this.logs.push({ level, message, fields });
    };
    this.logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    this.metrics = {
      increment: (name, by = 1) => {
        this.values.set(name, (this.values.get(name) ?? 0) + by);
      },
      set: (name, value) => {
        this.values.set(name, value);
      },
    };
    this.agents = {
      on: (listener) => {
        this.listeners.add(listener);
        const stopFleet = options.fleet?.onAgentEvent(listener);
        return () => {
          this.listeners.delete(listener);
          stopFleet?.();
        };
      },
    };
  }

  /** A counter's or gauge's value; undefined when the strategy never touched it. */
  metric(name: string): number | undefined {
    return this.values.get(name);
  }

  /** Sends an agent event to every listener, as the orchestrator would. */
  emit(event: AgentEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
