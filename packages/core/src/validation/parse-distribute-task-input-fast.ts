import type { JsonValue } from '../models/json-value.js';
import { isJsonValue } from '../models/json-value.js';
import { IDENTIFIER_PATTERNS } from '../models/identifier-patterns.js';
import type { MessagePriority } from '../models/message-priority.js';
import { fieldChecks as check } from './field-checks.js';

const KEYS: ReadonlySet<string> = new Set(['taskId', 'taskType', 'requiredCapabilities', 'taskData', 'senderId', 'strategy', 'priority']);
const KEYS_WITH_TOKEN: ReadonlySet<string> = new Set([...KEYS, 'authToken']);

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
  if (!check.isPlainRecord(input) || (input.authToken !== undefined && typeof input.authToken !== 'string')) return undefined;
  return parseFields(input, KEYS_WITH_TOKEN);
}

function parseFields(input: unknown, allowedKeys: ReadonlySet<string>): ParsedDistributeTaskInput | undefined {
  if (!check.isPlainRecord(input) || !check.hasOnlyKeys(input, allowedKeys)) return undefined;
  const { taskId, taskType, taskData, senderId, strategy, priority } = input;
  if (!check.matches(taskId, IDENTIFIER_PATTERNS.taskId) || !check.isString(taskType, 1, 256) || !check.isString(senderId, 1, 256)) return undefined;
  if (strategy !== undefined && !check.matches(strategy, IDENTIFIER_PATTERNS.strategyName)) return undefined;
  if (priority !== undefined && !check.isPriority(priority)) return undefined;
  if (taskData !== undefined && !isJsonValue(taskData)) return undefined;
  const requiredCapabilities = check.capabilityList(input.requiredCapabilities);
  if (requiredCapabilities === undefined) return undefined;
  return {
    taskId,
    taskType,
    requiredCapabilities,
    taskData: taskData ?? null,
    senderId,
    ...(strategy === undefined ? {} : { strategy }),
    priority: priority ?? 'normal',
  };
}
