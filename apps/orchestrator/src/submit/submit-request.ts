import { CreateTaskInputSchema, JsonValueSchema, ValidationError } from '@switchyard/core';
import { z } from 'zod';

const task = CreateTaskInputSchema.shape;

/** One task for `switchyard submit`: the flags, or one line of a JSONL batch, with the same names; core's rules for each field. */
export const SubmitRequestSchema = z.strictObject({
  id: task.taskId,
  type: task.taskType,
  capabilities: task.requiredCapabilities,
  data: JsonValueSchema.optional(),
  priority: task.priority.unwrap().optional(),
  strategy: task.strategy,
  maxAttempts: task.maxAttempts,
  attemptTimeoutMs: task.attemptTimeoutMs,
  queueTimeoutMs: task.queueTimeoutMs,
  weight: task.weight,
});

export type SubmitRequest = z.output<typeof SubmitRequestSchema>;

/** A request and the line of the batch it came from (1-based). */
export interface NumberedRequest {
  readonly line: number;
  readonly request: SubmitRequest;
}

/**
 * Every non-blank line of a JSONL batch, checked before anything is sent: one ValidationError
 * names each bad line and field (`line 3: capabilities.0`), so a batch never runs half.
 */
export function parseSubmitBatch(text: string): NumberedRequest[] {
  const requests: NumberedRequest[] = [];
  const issues: { field: string; message: string }[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      issues.push({
        field: `line ${String(line)}`,
        message: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
    const parsed = SubmitRequestSchema.safeParse(value);
    if (parsed.success) requests.push({ line, request: parsed.data });
    else issues.push(...ValidationError.fromZod(parsed.error, undefined, `line ${String(line)}`).issues);
  });
  if (issues.length === 0 && requests.length === 0)
    issues.push({ field: 'file', message: 'holds no task (one JSON object per line)' });
  if (issues.length > 0) throw new ValidationError(issues, 'batch');
  return requests;
}
