import { AuthenticationError, AuthorizationError, StrategyError, ValidationError } from '@switchyard/core';
import { CommanderError } from 'commander';
import { OrchestratorUnreachableError } from '../client/orchestrator-unreachable-error.js';

/** What `switchyard` exits with, for scripts (README, "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** Failed while running: a task failed, the orchestrator refused the operation, a drain did not finish in time. */
  failed: 1,
  /** Bad config, arguments or input (a JSONL line, a tool argument), or a strategy plugin whose create() threw: nothing was done. */
  badInput: 2,
  /** The orchestrator could not be reached. */
  unreachable: 3,
  /** The token was refused (unknown, or lacks the permission). */
  refused: 4,
} as const;

export function exitCodeFor(error: unknown): number {
  // Commander has printed the problem (or the help / version, which exit 0).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  if (error instanceof ValidationError || error instanceof StrategyError) return EXIT.badInput;
  if (error instanceof OrchestratorUnreachableError) return EXIT.unreachable;
  if (error instanceof AuthenticationError || error instanceof AuthorizationError) return EXIT.refused;
  return EXIT.failed;
}
