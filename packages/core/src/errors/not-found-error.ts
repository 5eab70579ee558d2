import { SwitchyardError } from './switchyard-error.js';

export type NotFoundErrorCode = 'AGENT_NOT_FOUND' | 'TASK_NOT_FOUND' | 'STRATEGY_NOT_FOUND';

export class NotFoundError extends SwitchyardError {
  readonly code: NotFoundErrorCode;

  constructor(code: NotFoundErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }

  static agent(agentId: string): NotFoundError {
    return new NotFoundError('AGENT_NOT_FOUND', `Agent '${agentId}' is not registered`, { agentId });
  }

  static task(taskId: string): NotFoundError {
    return new NotFoundError('TASK_NOT_FOUND', `Task '${taskId}' does not exist`, { taskId });
  }
}
