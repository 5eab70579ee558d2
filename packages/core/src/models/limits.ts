/**
 * Every size bound on input, in one place: the zod schemas and the hand-written fast validators of
 * the hot paths both read them, so the two refuse exactly the same inputs.
 */
export const LIMITS = {
  /** Agent, task and envelope ids, capabilities, correlation and instance ids: characters at most. */
  identifierLength: 128,
  /** Task types, sender ids and addresses: characters at most. */
  nameLength: 256,
  /** Capabilities one task may require. */
  capabilities: 256,
  /** An error's message and code in a task answer: characters at most. */
  errorMessageLength: 10_000,
  errorCodeLength: 128,
  /** Longest timeout or wait a caller may ask for on one task: a day. */
  durationMs: 86_400_000,
  /** An attempt's fence (task_request, echoed by task_response): characters at most. */
  fenceLength: 128,
  /** An agent's session (register ack, then every envelope of that agent): characters. */
  sessionMinLength: 16,
  sessionMaxLength: 64,
  /** A progress report's message (task_progress, context.progress): characters at most. */
  progressMessageLength: 2_000,
  /** A progress report's partial result: characters of its JSON text at most. */
  progressPartialChars: 65_536,
  /** Nesting of task data and results. */
  jsonDepth: 128,
} as const;
