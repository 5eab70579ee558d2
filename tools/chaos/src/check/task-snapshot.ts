import { MessagePrioritySchema, TaskStatusSchema } from '@switchyard/core';
import { z } from 'zod';

/**
 * What the checker reads of a task's KV value (the core Task snapshot the durable orchestrator
 * writes on every change). Loose: fields the checker does not judge may come and go.
 */
export const TaskSnapshotSchema = z.looseObject({
  id: z.string(),
  status: TaskStatusSchema,
  priority: MessagePrioritySchema,
  assignedAgentId: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  history: z.array(
    z.looseObject({
      attempt: z.number().int().positive(),
      agentId: z.string(),
      assignedAt: z.number(),
      finishedAt: z.number().nullable(),
      outcome: z.string(),
      // Why an attempt failed, when it did (e.g. AGENT_AT_CAPACITY); kept loose, read only for counting.
      error: z.looseObject({ code: z.string().optional() }).nullable().optional(),
    }),
  ),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
});

export type TaskSnapshot = z.infer<typeof TaskSnapshotSchema>;

/** A KV value as a task snapshot; undefined when it is not JSON or not shaped like one. */
export function parseTaskSnapshot(value: Uint8Array): TaskSnapshot | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(value));
  } catch {
    return undefined;
  }
  const parsed = TaskSnapshotSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
