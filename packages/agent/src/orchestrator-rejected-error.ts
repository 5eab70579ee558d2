import { SwitchyardError } from '@switchyard/core';

/** The orchestrator refused a request; carries its error code. */
export class OrchestratorRejectedError extends SwitchyardError {
  readonly code: string;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
