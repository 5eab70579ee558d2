import type { JsonValue } from '../models/json-value.js';
import { isJsonValue } from '../models/json-value.js';
import { IDENTIFIER_PATTERNS } from '../models/identifier-patterns.js';
import type { MessagePriority } from '../models/message-priority.js';
import { fieldChecks as check } from './field-checks.js';
import { LIMITS } from '../models/limits.js';

const KEYS: ReadonlySet<string> = new Set([
  'taskId',
  'taskType',
  'requiredCapabilities',
  'taskData',
  'senderId',
  'strategy',
  'priority',
]);
const KEYS_WITH_TOKEN: ReadonlySet<string> = new Set([...KEYS, 'authToken']);
const RUN_KEYS: ReadonlySet<string> = new Set([...KEYS_WITH_TOKEN, 'timeoutMs', 'onProgress']);
/** ExecuteTaskInputSchema's bound on a wait. */
const MAX_WAIT_MS = LIMITS.durationMs;

/** What DistributeTaskInputSchema outputs. */
export interface ParsedDistributeTaskInput {
  taskId: string;
  taskType: string;
  requiredCapabilities: string[];
  taskData: JsonValue;
  senderId: string;
  strategy?: string;
  priority: MessagePriority;
}

/** DistributeTaskInputSchema by hand, for the per-task path (see fastPathRegistry). */
export function parseDistributeTaskInputFast(input: unknown): ParsedDistributeTaskInput | undefined {
  return parseFields(input, KEYS);
}

/**
 * DistributeTaskRequestSchema by hand: the engine's input, which also carries the caller's
 * token. The token is checked to be a string and left out, so the engine needs no copy of the input.
 */
export function parseDistributeTaskRequestFast(input: unknown): ParsedDistributeTaskInput | undefined {
  if (!check.isPlainRecord(input) || (input.authToken !== undefined && typeof input.authToken !== 'string'))
    return undefined;
  return parseFields(input, KEYS_WITH_TOKEN);
}

/** What RunTaskRequestSchema outputs: the task, and how long its caller waits for the answer. */
export interface ParsedRunTaskInput extends ParsedDistributeTaskInput {
  timeoutMs?: number;
}

/** RunTaskRequestSchema by hand: distributeTask's request plus the caller's wait. */
export function parseRunTaskRequestFast(input: unknown): ParsedRunTaskInput | undefined {
  if (!check.isPlainRecord(input) || (input.authToken !== undefined && typeof input.authToken !== 'string'))
    return undefined;
  const { timeoutMs, onProgress } = input;
  if (timeoutMs !== undefined && (!check.isPositiveInteger(timeoutMs) || timeoutMs > MAX_WAIT_MS)) return undefined;
  // The caller's progress callback is the engine's to keep, not part of the task.
  if (onProgress !== undefined && typeof onProgress !== 'function') return undefined;
  const parsed: ParsedRunTaskInput | undefined = parseFields(input, RUN_KEYS);
  if (parsed !== undefined && timeoutMs !== undefined) parsed.timeoutMs = timeoutMs;
  return parsed;
}

function parseFields(input: unknown, allowedKeys: ReadonlySet<string>): ParsedDistributeTaskInput | undefined {
  if (!check.isPlainRecord(input) || !check.hasOnlyKeys(input, allowedKeys)) return undefined;
  const { taskId, taskType, taskData, senderId, strategy, priority } = input;
  if (
    !check.isTaskId(taskId) ||
    !check.isString(taskType, 1, LIMITS.nameLength) ||
    !check.isString(senderId, 1, LIMITS.nameLength)
  )
    return undefined;
  if (strategy !== undefined && !check.matches(strategy, IDENTIFIER_PATTERNS.strategyName)) return undefined;
  if (priority !== undefined && !check.isPriority(priority)) return undefined;
  if (taskData !== undefined && !isJsonValue(taskData)) return undefined;
  const requiredCapabilities = check.capabilityList(input.requiredCapabilities);
  if (requiredCapabilities === undefined) return undefined;
  // The optional field is added, not spread in: a spread costs an object and a slow copy per task.
  const parsed: ParsedDistributeTaskInput = {
    taskId,
    taskType,
    requiredCapabilities,
    taskData: taskData ?? null,
    senderId,
    priority: priority ?? 'normal',
  };
  if (strategy !== undefined) parsed.strategy = strategy;
  return parsed;
}
