import { SwitchyardError } from '@switchyard/core';

/** Nothing answered at the orchestrator's URL (not running, wrong port, not HTTP), or the connection dropped. */
export class OrchestratorUnreachableError extends SwitchyardError {
  readonly code = 'ORCHESTRATOR_UNREACHABLE';

  constructor(url: string, reason: string) {
    super(
      `Cannot reach the orchestrator at ${url}: ${reason} (is \`switchyard start\` running there? --url or SWITCHYARD_URL say where)`,
      { url },
    );
  }
}
