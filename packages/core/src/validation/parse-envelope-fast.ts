import type { Envelope, TaskRequestPayload, TaskResponsePayload } from '../models/envelope.js';
import { IDENTIFIER_PATTERNS } from '../models/identifier-patterns.js';
import { isJsonValue } from '../models/json-value.js';
import type { TaskErrorInfo } from '../models/task.js';
import { fieldChecks as check } from './field-checks.js';

const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['id', 'kind', 'from', 'to', 'priority', 'correlationId', 'sentAt', 'payload']);
const TASK_REQUEST_KEYS: ReadonlySet<string> = new Set(['taskId', 'attempt', 'taskType', 'requiredCapabilities', 'data', 'senderId', 'priority']);
const TASK_RESPONSE_KEYS: ReadonlySet<string> = new Set(['taskId', 'attempt', 'agentId', 'status', 'result', 'error']);
const ERROR_KEYS: ReadonlySet<string> = new Set(['message', 'code', 'permanent']);

function taskRequestPayload(value: unknown): TaskRequestPayload | undefined {
  if (!check.isPlainRecord(value) || !check.hasOnlyKeys(value, TASK_REQUEST_KEYS)) return undefined;
  const { taskId, attempt, taskType, data, senderId, priority } = value;
  if (!check.matches(taskId, IDENTIFIER_PATTERNS.taskId) || !check.isPositiveInteger(attempt) || !check.isString(taskType, 1, 256)) return undefined;
  if (!check.isString(senderId, 1, 256) || !check.isPriority(priority) || !isJsonValue(data)) return undefined;
  const requiredCapabilities = check.capabilityList(value.requiredCapabilities);
  if (requiredCapabilities === undefined) return undefined;
  return { taskId, attempt, taskType, requiredCapabilities, data, senderId, priority };
}

function taskErrorInfo(value: unknown): TaskErrorInfo | undefined {
  if (!check.isPlainRecord(value) || !check.hasOnlyKeys(value, ERROR_KEYS)) return undefined;
  const { message, code, permanent } = value;
  if (!check.isString(message, 0, 10_000)) return undefined;
  if (code !== undefined && !check.isString(code, 0, 128)) return undefined;
  if (permanent !== undefined && typeof permanent !== 'boolean') return undefined;
  // Optional fields are added, not spread in: a spread costs an object and a slow copy per envelope.
  const info: { message: string; code?: string; permanent?: boolean } = { message };
  if (code !== undefined) info.code = code;
  if (permanent !== undefined) info.permanent = permanent;
  return info;
}

function taskResponsePayload(value: unknown): TaskResponsePayload | undefined {
  if (!check.isPlainRecord(value) || !check.hasOnlyKeys(value, TASK_RESPONSE_KEYS)) return undefined;
  const { taskId, attempt, agentId, status, result } = value;
  if (!check.matches(taskId, IDENTIFIER_PATTERNS.taskId) || !check.matches(agentId, IDENTIFIER_PATTERNS.agentId)) return undefined;
  if (status !== 'completed' && status !== 'failed') return undefined;
  if (attempt !== undefined && !check.isPositiveInteger(attempt)) return undefined;
  if (result !== undefined && !isJsonValue(result)) return undefined;
  const error = value.error === undefined ? undefined : taskErrorInfo(value.error);
  if (value.error !== undefined && error === undefined) return undefined;
  const payload: { -readonly [K in keyof TaskResponsePayload]: TaskResponsePayload[K] } = { taskId, agentId, status };
  if (attempt !== undefined) payload.attempt = attempt;
  if (result !== undefined) payload.result = result;
  if (error !== undefined) payload.error = error;
  return payload;
}

/**
 * The hot envelopes (task_request, task_response) checked by hand, for the transports' receive
 * path: about 20× cheaper than EnvelopeSchema. Returns what EnvelopeSchema would output, or
 * undefined for anything it does not accept itself (other kinds, class instances, any doubt):
 * the caller then asks the schema, which stays the authority on acceptance and on the message
 * naming the bad field. The tests hold it to that on a corpus of bad envelopes.
 */
export function parseEnvelopeFast(value: unknown): Envelope | undefined {
  if (!check.isPlainRecord(value) || !check.hasOnlyKeys(value, ENVELOPE_KEYS)) return undefined;
  const { id, kind, from, to, priority, correlationId, sentAt } = value;
  if (!check.isString(id, 1, 128) || !check.isAddress(from) || !check.isAddress(to) || !check.isPriority(priority) || !check.isNonNegativeNumber(sentAt)) return undefined;
  if (correlationId !== undefined && !check.isString(correlationId, 1, 128)) return undefined;
  let envelope: Envelope;
  if (kind === 'task_request') {
    const payload = taskRequestPayload(value.payload);
    if (payload === undefined) return undefined;
    envelope = { id, kind, from, to, priority, sentAt, payload };
  } else if (kind === 'task_response') {
    const payload = taskResponsePayload(value.payload);
    if (payload === undefined) return undefined;
    envelope = { id, kind, from, to, priority, sentAt, payload };
  } else {
    return undefined;
  }
  if (correlationId !== undefined) envelope.correlationId = correlationId;
  return envelope;
}
