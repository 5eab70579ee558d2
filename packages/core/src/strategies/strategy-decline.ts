/** What `select` returns to turn a task down for now, saying why (see decline()). */
export interface StrategyDecline {
  readonly declined: true;
  readonly reason: string;
}

/**
 * Turns the task down for now: it waits in the queue and is offered again when capacity
 * changes; the reason is logged and, should the task time out in the queue, ends its error message.
 */
export function decline(reason: string): StrategyDecline {
  return Object.freeze({ declined: true, reason });
}

/** True for what decline() made (also from another copy of @switchyard/core). */
export function isDecline(value: unknown): value is StrategyDecline {
  return typeof value === 'object' && value !== null && (value as Partial<StrategyDecline>).declined === true;
}
