import { SwitchyardError } from '@switchyard/core';

/** The orchestrator refused or failed an operation; `code` is the orchestrator's own (TASK_FAILED, AGENT_NOT_FOUND, …). */
export class RemoteError extends SwitchyardError {
  readonly code: string;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
