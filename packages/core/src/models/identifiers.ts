import { z } from 'zod';
import { fastPathRegistry } from '../validation/fast-path-registry.js';
import { identifierShapes } from '../validation/identifier-shapes.js';
import { IDENTIFIER_PATTERNS } from './identifier-patterns.js';
import { LIMITS } from './limits.js';

/**
 * Agent ids become part of transport addresses (and NATS subjects), so they are limited to
 * characters that are safe in both: letters, digits, `_` and `-`.
 */
export const AgentIdSchema = fastPathRegistry.attach(
  z
    .string()
    .regex(
      IDENTIFIER_PATTERNS.agentId,
      `must be 1-${String(LIMITS.identifierLength)} letters, digits, "_" or "-", starting with a letter or digit`,
    ),
  (value) => (identifierShapes.isAgentId(value) ? value : undefined),
);

/** Checked on every task answer (by id), so parseInput tries the pattern by hand before zod. */
export const TaskIdSchema = fastPathRegistry.attach(
  z
    .string()
    .regex(
      IDENTIFIER_PATTERNS.taskId,
      `must be 1-${String(LIMITS.identifierLength)} letters, digits, "_", ".", ":" or "-", starting with a letter or digit`,
    ),
  (value) => (identifierShapes.isTaskId(value) ? value : undefined),
);

export const CapabilitySchema = z
  .string()
  .regex(
    IDENTIFIER_PATTERNS.capability,
    `must be 1-${String(LIMITS.identifierLength)} letters, digits, "_", ".", ":", "/" or "-", starting with a letter or digit`,
  );

/** Names of strategies, built-in or plugin. */
export const StrategyNameSchema = z
  .string()
  .regex(IDENTIFIER_PATTERNS.strategyName, 'must be 1-64 lower-case letters, digits, "_" or "-"');

/** A free-form name of whoever sent a task (a client, a user, another agent). */
export const SenderIdSchema = z.string().min(1).max(LIMITS.nameLength);

/** A list of capabilities, deduplicated, order kept. */
export const CapabilityListSchema = z
  .array(CapabilitySchema)
  .max(LIMITS.capabilities, `at most ${String(LIMITS.capabilities)} capabilities`)
  .transform((capabilities) => [...new Set(capabilities)]);
