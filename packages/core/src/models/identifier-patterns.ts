/**
 * The shapes of identifiers, shared by the zod schemas and the hand-written fast checks of the
 * hot paths, so the two cannot drift apart. Bounded lengths are part of each pattern.
 */
export const IDENTIFIER_PATTERNS = {
  agentId: /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/,
  taskId: /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/,
  capability: /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/,
  strategyName: /^[a-z0-9][a-z0-9_-]{0,63}$/,
  /** Dot-separated tokens (`orchestrator`, `agent.<id>`); at most 256 characters besides. */
  address: /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
} as const;
