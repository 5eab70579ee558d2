import { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';
import type { JsonValue } from './json-value.js';
import { JsonValueSchema } from './json-value.js';
import { LIMITS } from './limits.js';
import { AgentIdSchema, TaskIdSchema } from './identifiers.js';

/**
 * What an agent reports while it works on a task (SDK `context.progress`, the `task_progress`
 * envelope): a line for people, how far along it is (0..1), and a partial result. At least one.
 */
export interface TaskProgressUpdate {
  readonly message?: string;
  readonly fraction?: number;
  readonly partial?: JsonValue;
}

/** One progress report of a running attempt, as the orchestrator forwards it to whoever listens. */
export interface TaskProgressEvent {
  readonly taskId: string;
  readonly attempt: number;
  readonly agentId: string;
  readonly message?: string;
  readonly fraction?: number;
  readonly partial?: JsonValue;
  /** When the orchestrator accepted it, epoch milliseconds. */
  readonly at: number;
}

export type TaskProgressListener = (event: TaskProgressEvent) => void;

/** The characters of a partial result's JSON text at most. */
function fitsPartialLimit(partial: JsonValue): boolean {
  return JSON.stringify(partial).length <= LIMITS.progressPartialChars;
}

/** The fields of an update, shared by the SDK's check and the task_progress envelope's schema. */
export const taskProgressFields = {
  message: z.string().max(LIMITS.progressMessageLength).optional(),
  fraction: z.number().min(0).max(1).optional(),
  partial: JsonValueSchema.refine(fitsPartialLimit, {
    message: `must be at most ${String(LIMITS.progressPartialChars)} characters as JSON`,
  }).optional(),
};

export const TaskProgressUpdateSchema = z
  .strictObject(taskProgressFields)
  .refine((update) => update.message !== undefined || update.fraction !== undefined || update.partial !== undefined, {
    message: 'an update carries a message, a fraction or a partial result',
  });

/** Checks an update from a handler: the update, or a ValidationError naming the bad field. */
export function checkTaskProgressUpdate(update: unknown): TaskProgressUpdate {
  const parsed = TaskProgressUpdateSchema.safeParse(update);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, 'progress update');
  return parsed.data;
}

/** A task's last progress as a durable journal keeps it: read back, it is untrusted input. */
export const TaskProgressEventSchema = z.strictObject({
  taskId: TaskIdSchema,
  attempt: z.number().int().positive(),
  agentId: AgentIdSchema,
  ...taskProgressFields,
  at: z.number().nonnegative(),
});
