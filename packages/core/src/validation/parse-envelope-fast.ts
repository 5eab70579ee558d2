import type { Envelope, TaskRequestPayload, TaskResponsePayload } from '../models/envelope.js';
import { isJsonValue } from '../models/json-value.js';
import type { TaskErrorInfo } from '../models/task.js';
import { fieldChecks as check } from './field-checks.js';
import { LIMITS } from '../models/limits.js';

const ENVELOPE_KEYS: ReadonlySet<string> = new Set([
  'id',
  'kind',
  'from',
  'to',
  'priority',
  'correlationId',
  'sentAt',
  'payload',
]);
const TASK_REQUEST_KEYS: ReadonlySet<string> = new Set([
  'taskId',
  'attempt',
  'fence',
  'taskType',
  'requiredCapabilities',
  'data',
  'senderId',
  'priority',
  'weight',
]);
const TASK_RESPONSE_KEYS: ReadonlySet<string> = new Set([
  'taskId',
  'attempt',
  'fence',
  'agentId',
  'status',
  'result',
  'error',
  'session',
]);
const ERROR_KEYS: ReadonlySet<string> = new Set(['message', 'code', 'permanent']);

function isTaskRequestPayload(value: unknown): value is TaskRequestPayload {
  if (!check.isPlainRecord(value) || !check.hasOnlyKeys(value, TASK_REQUEST_KEYS)) return false;
  const { taskId, attempt, fence, taskType, data, senderId, priority } = value;
  if (
    !check.isTaskId(taskId) ||
    !check.isPositiveInteger(attempt) ||
    !check.isString(fence, 1, LIMITS.fenceLength) ||
    !check.isString(taskType, 1, LIMITS.nameLength)
  )
    return false;
  if (!check.isString(senderId, 1, LIMITS.nameLength) || !check.isPriority(priority) || !isJsonValue(data))
    return false;
  const { weight } = value;
  if (weight !== undefined && (!check.isPositiveInteger(weight) || weight > LIMITS.taskWeight)) return false;
  // A list with duplicates would come out of the schema changed: the schema makes that copy.
  return check.isCapabilityList(value.requiredCapabilities);
}

function isTaskErrorInfo(value: unknown): value is TaskErrorInfo {
  if (!check.isPlainRecord(value) || !check.hasOnlyKeys(value, ERROR_KEYS)) return false;
  const { message, code, permanent } = value;
  if (!check.isString(message, 0, LIMITS.errorMessageLength)) return false;
  if (code !== undefined && !check.isString(code, 0, LIMITS.errorCodeLength)) return false;
  return permanent === undefined || typeof permanent === 'boolean';
}

function isTaskResponsePayload(value: unknown): value is TaskResponsePayload {
  if (!check.isPlainRecord(value) || !check.hasOnlyKeys(value, TASK_RESPONSE_KEYS)) return false;
  const { taskId, attempt, fence, agentId, status, result, error, session } = value;
  if (!check.isTaskId(taskId) || !check.isAgentId(agentId) || !check.isString(fence, 1, LIMITS.fenceLength))
    return false;
  if (session !== undefined && !check.isString(session, LIMITS.sessionMinLength, LIMITS.sessionMaxLength)) return false;
  if (status !== 'completed' && status !== 'failed') return false;
  if (attempt !== undefined && !check.isPositiveInteger(attempt)) return false;
  if (result !== undefined && !isJsonValue(result)) return false;
  return error === undefined || isTaskErrorInfo(error);
}

/**
 * The payload of a hot envelope (task_request, task_response) checked by hand, as the schema
 * would; false for other kinds and for anything in doubt (then ask the schema).
 */
export function isHotPayloadFast(kind: unknown, payload: unknown): boolean {
  return kind === 'task_request'
    ? isTaskRequestPayload(payload)
    : kind === 'task_response' && isTaskResponsePayload(payload);
}

/**
 * The hot envelopes (task_request, task_response) checked by hand, for the transports' receive
 * path: about 20× cheaper than EnvelopeSchema. Returns what EnvelopeSchema would output, or
 * undefined for anything it does not accept itself (other kinds, class instances, any doubt):
 * the caller then asks the schema, which stays the authority on acceptance and on the message
 * naming the bad field. The tests hold it to that on a corpus of bad envelopes.
 *
 * An accepted envelope is returned as it is, not copied: only plain objects with exactly the
 * schema's keys pass, so the schema's output would be an equal copy, and two copies per task
 * were a tenth of what a task allocates. (Task data and results were never copied.)
 */
export function parseEnvelopeFast(value: unknown): Envelope | undefined {
  if (!check.isPlainRecord(value) || !check.hasOnlyKeys(value, ENVELOPE_KEYS)) return undefined;
  const { id, kind, from, to, priority, correlationId, sentAt, payload } = value;
  if (
    !check.isString(id, 1, LIMITS.identifierLength) ||
    !check.isAddress(from) ||
    !check.isAddress(to) ||
    !check.isPriority(priority) ||
    !check.isNonNegativeNumber(sentAt)
  )
    return undefined;
  if (correlationId !== undefined && !check.isString(correlationId, 1, LIMITS.identifierLength)) return undefined;
  return isHotPayloadFast(kind, payload) ? (value as unknown as Envelope) : undefined;
}
