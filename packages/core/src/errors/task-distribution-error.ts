import { SwitchyardError } from './switchyard-error.js';

export type TaskDistributionErrorCode =
  /** No registered agent has every required capability. */
  | 'NO_CAPABLE_AGENT'
  /** Capable agents are busy and the queue already holds tasks.queue.maxLength tasks. */
  | 'QUEUE_FULL'
  /** The task's weight is more than the capacity of every registered agent with its capabilities. */
  | 'TASK_TOO_HEAVY'
  /** The strategy's select threw (details.strategy names it). */
  | 'STRATEGY_FAILED'
  /** The strategy's select returned something that is not one of the available candidates it was given (details.strategy names it). */
  | 'STRATEGY_INVALID_CHOICE';

export type TaskDistributionDetails = {
  readonly taskId: string;
  readonly requiredCapabilities: readonly string[];
  /** Required capabilities that no registered agent has at all. */
  readonly missingCapabilities?: readonly string[];
  /** Capable agents by why they could not take the task. */
  readonly unavailable?: { readonly offline: number; readonly draining: number; readonly full: number };
  readonly strategy?: string;
  /** TASK_TOO_HEAVY: the task's weight, and the largest capacity among the capable agents. */
  readonly weight?: number;
  readonly largestCapacity?: number;
};

export class TaskDistributionError extends SwitchyardError {
  readonly code: TaskDistributionErrorCode;
  declare readonly details: TaskDistributionDetails;

  constructor(code: TaskDistributionErrorCode, message: string, details: TaskDistributionDetails) {
    super(message, { ...details });
    this.code = code;
  }
}
