import type { JsonValue } from '../models/json-value.js';
import { isJsonValue } from '../models/json-value.js';
import { IDENTIFIER_PATTERNS } from '../models/identifier-patterns.js';
import type { MessagePriority } from '../models/message-priority.js';
import { fieldChecks as check } from './field-checks.js';

const KEYS: ReadonlySet<string> = new Set(['taskId', 'taskType', 'requiredCapabilities', 'taskData', 'senderId', 'strategy', 'priority']);

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
  if (!check.isPlainRecord(input) || !check.hasOnlyKeys(input, KEYS)) return undefined;
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
