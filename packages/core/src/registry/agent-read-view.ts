import type { AgentStatus } from '../models/agent-status.js';
import type { AgentOutcomeStats, AgentView } from '../models/agent-view.js';
import type { JsonValue } from '../models/json-value.js';
import type { AgentRecord } from './agent-record.js';

/** The record behind a view; set in the class's static block, so the record never leaks through the class itself. */
let recordBehind: (view: unknown) => AgentRecord | undefined;

/**
 * An agent as strategies see it: getters over the registry's record and nothing else. The
 * record sits in a private field, so a plugin can neither assign a field (`view.load = 9`
 * throws a TypeError in a module, the view being frozen with getters only) nor reach the record.
 * One per agent, made on first use and kept: a plugin that stores a view compares it by identity.
 */
export class AgentReadView implements AgentView {
  readonly #record: AgentRecord;

  constructor(record: AgentRecord) {
    this.#record = record;
    Object.freeze(this);
  }

  get id(): string {
    return this.#record.id;
  }

  get capabilities(): ReadonlySet<string> {
    return this.#record.group.readonlyCapabilities;
  }

  get priority(): number {
    return this.#record.priority;
  }

  get status(): AgentStatus {
    return this.#record.status;
  }

  get load(): number {
    return this.#record.load;
  }

  get capacity(): number {
    return this.#record.capacity;
  }

  get metadata(): Readonly<Record<string, JsonValue>> {
    return this.#record.metadata;
  }

  get stats(): AgentOutcomeStats {
    return this.#record.stats;
  }

  get sequence(): number {
    return this.#record.sequence;
  }

  get registeredAt(): number {
    return this.#record.registeredAt;
  }

  get lastSeenAt(): number {
    return this.#record.lastSeenAt;
  }

  /** What a plugin that logs a view expects to see, instead of `{}`. */
  toJSON(): Record<string, unknown> {
    const record = this.#record;
    return {
      id: record.id,
      capabilities: [...record.capabilities],
      priority: record.priority,
      status: record.status,
      load: record.load,
      capacity: record.capacity,
    };
  }

  static {
    recordBehind = (view) => (typeof view === 'object' && view !== null && #record in view ? view.#record : undefined);
  }
}

/** The registry's record behind a view a strategy returned; undefined for anything that is not a view. */
export function recordOfView(view: unknown): AgentRecord | undefined {
  return recordBehind(view);
}
