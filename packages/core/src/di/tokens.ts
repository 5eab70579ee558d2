import type { ServiceIdentifier } from 'inversify';
import type { Authenticator } from '../auth/authenticator.js';
import type { CoreOptions } from '../engine/core-options.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { SharedState } from '../ports/shared-state.js';
import type { TaskJournal } from '../ports/task-journal.js';
import type { TaskStore } from '../ports/task-store.js';
import type { Transport } from '../ports/transport.js';
import type { StrategyServices } from '../strategies/strategy-services.js';

/** Injection tokens for the ports and options; concrete classes are their own tokens. */
export const TOKENS = {
  Transport: Symbol.for('switchyard.Transport') as ServiceIdentifier<Transport>,
  TaskStore: Symbol.for('switchyard.TaskStore') as ServiceIdentifier<TaskStore>,
  /** Optional: bound only when tasks must survive this process (durability: jetstream). */
  TaskJournal: Symbol.for('switchyard.TaskJournal') as ServiceIdentifier<TaskJournal>,
  /** Optional: state strategies share between orchestrators (bound by a transport that has it, e.g. NATS). */
  SharedState: Symbol.for('switchyard.SharedState') as ServiceIdentifier<SharedState>,
  Clock: Symbol.for('switchyard.Clock') as ServiceIdentifier<Clock>,
  Logger: Symbol.for('switchyard.Logger') as ServiceIdentifier<Logger>,
  Authenticator: Symbol.for('switchyard.Authenticator') as ServiceIdentifier<Authenticator>,
  CoreOptions: Symbol.for('switchyard.CoreOptions') as ServiceIdentifier<CoreOptions>,
  StrategyServices: Symbol.for('switchyard.StrategyServices') as ServiceIdentifier<
    Pick<StrategyServices, 'now' | 'random'>
  >,
} as const;
