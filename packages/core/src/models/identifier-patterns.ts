import { LIMITS } from './limits.js';

/**
 * The shapes of identifiers, shared by the zod schemas and the hand-written fast checks of the
 * hot paths, so the two cannot drift apart. Bounded lengths are part of each pattern.
 */
const REST = `{0,${String(LIMITS.identifierLength - 1)}}`;

export const IDENTIFIER_PATTERNS = {
  agentId: new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]${REST}$`),
  taskId: new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]${REST}$`),
  capability: new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:/-]${REST}$`),
  strategyName: /^[a-z0-9][a-z0-9_-]{0,63}$/,
  /** Dot-separated tokens (`orchestrator`, `agent.<id>`); at most LIMITS.nameLength characters besides. */
  address: /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
} as const;
