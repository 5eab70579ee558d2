import { z } from 'zod';
import {
  AgentIdSchema,
  CapabilityListSchema,
  SenderIdSchema,
  StrategyNameSchema,
  TaskIdSchema,
} from './identifiers.js';
import { JsonValueSchema } from './json-value.js';
import { MessagePrioritySchema } from './message-priority.js';
import { TaskErrorInfoSchema, TaskStatusSchema } from './task.js';
import { LIMITS } from './limits.js';
import { TaskProgressEventSchema } from './task-progress.js';

const EpochMsSchema = z.number().nonnegative();

export const TaskAttemptSchema = z.strictObject({
  attempt: z.number().int().positive(),
  agentId: AgentIdSchema,
  assignedAt: EpochMsSchema,
  finishedAt: EpochMsSchema.nullable(),
  outcome: z.enum([
    'running',
    'completed',
    'failed',
    'timed_out',
    'agent_lost',
    'not_delivered',
    'refused',
    'cancelled',
  ]),
  error: TaskErrorInfoSchema.nullable(),
});

/**
 * A task as a durable journal stores it (JSON): the Task snapshot plus what another
 * orchestrator needs to carry it on. Read back from storage it is untrusted input, so it is
 * parsed with this schema like any wire message.
 */
export const JournaledTaskSchema = z.strictObject({
  id: TaskIdSchema,
  type: z.string().min(1).max(LIMITS.nameLength),
  requiredCapabilities: CapabilityListSchema,
  data: JsonValueSchema,
  senderId: SenderIdSchema,
  priority: MessagePrioritySchema,
  strategy: StrategyNameSchema.nullable(),
  status: TaskStatusSchema,
  assignedAgentId: AgentIdSchema.nullable(),
  attempts: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
  history: z.array(TaskAttemptSchema),
  result: JsonValueSchema.nullable(),
  error: TaskErrorInfoSchema.nullable(),
  createdAt: EpochMsSchema,
  queuedAt: EpochMsSchema.nullable(),
  retryAt: EpochMsSchema.nullable(),
  assignedAt: EpochMsSchema.nullable(),
  finishedAt: EpochMsSchema.nullable(),
  redistributions: z.number().int().nonnegative(),
  limits: z.strictObject({
    maxAttempts: z.number().int().positive(),
    attemptTimeoutMs: z.number().int().positive(),
    queueTimeoutMs: z.number().int().positive().nullable(),
  }),
  /** The strategy that made the current assignment. */
  assignedBy: StrategyNameSchema.nullable(),
  /** The current attempt's fence (see TaskRecord.fence); null before the first attempt and in journals older than fences. */
  fence: z.string().min(1).max(128).nullable().default(null),
  /** The last progress report, as of this revision (written at most once a second per task besides other writes). */
  progress: TaskProgressEventSchema.optional(),
  /** The orchestrator that wrote this revision. */
  writtenBy: z.string().min(1).max(LIMITS.nameLength),
});

export type JournaledTask = z.output<typeof JournaledTaskSchema>;
