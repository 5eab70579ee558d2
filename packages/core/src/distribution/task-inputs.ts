import { z } from 'zod';
import {
  AgentIdSchema,
  CapabilityListSchema,
  SenderIdSchema,
  StrategyNameSchema,
  TaskIdSchema,
} from '../models/identifiers.js';
import { JsonValueSchema } from '../models/json-value.js';
import { MessagePrioritySchema } from '../models/message-priority.js';
import { TaskErrorInfoSchema } from '../models/task.js';
import { fastPathRegistry } from '../validation/fast-path-registry.js';
import {
  parseDistributeTaskInputFast,
  parseDistributeTaskRequestFast,
} from '../validation/parse-distribute-task-input-fast.js';
import { LIMITS } from '../models/limits.js';

/** A new task; the id is generated when omitted. */
export const CreateTaskInputSchema = z.strictObject({
  taskId: TaskIdSchema.optional(),
  taskType: z.string().min(1).max(LIMITS.nameLength),
  requiredCapabilities: CapabilityListSchema,
  taskData: JsonValueSchema.default(null),
  senderId: SenderIdSchema.default('anonymous'),
  strategy: StrategyNameSchema.optional(),
  priority: MessagePrioritySchema.default('normal'),
  /** Overrides tasks.retry.maxAttempts for this task. */
  maxAttempts: z.number().int().positive().max(1_000).optional(),
  /** Overrides tasks.attemptTimeoutMs for this task. */
  attemptTimeoutMs: z.number().int().positive().max(LIMITS.durationMs).optional(),
  /** Overrides tasks.queue.timeoutMs for this task. */
  queueTimeoutMs: z.number().int().positive().max(LIMITS.durationMs).optional(),
  /** Units of agent capacity the task takes while it runs (default 1); only agents with that much room are offered it. */
  weight: z.number().int().positive().max(LIMITS.taskWeight).optional(),
});

/** The seed's distributeTask: create and hand over in one call, with the caller's id. Checked once per task, so by hand first. */
export const DistributeTaskInputSchema = fastPathRegistry.attach(
  CreateTaskInputSchema.extend({
    taskId: TaskIdSchema,
    senderId: SenderIdSchema,
  }),
  parseDistributeTaskInputFast,
);

/** distributeTask as the engine takes it: with the caller's token, which the output leaves out. */
export const DistributeTaskRequestSchema = fastPathRegistry.attach(
  DistributeTaskInputSchema.extend({ authToken: z.string().optional() }).transform(
    ({ authToken: _token, ...task }) => task,
  ),
  parseDistributeTaskRequestFast,
);

export const TaskResponseInputSchema = z
  .strictObject({
    taskId: TaskIdSchema,
    agentId: AgentIdSchema,
    status: z.enum(['completed', 'failed']),
    result: JsonValueSchema.optional(),
    error: TaskErrorInfoSchema.optional(),
    /** The attempt being answered; when given, an answer to an older attempt is refused. */
    attempt: z.number().int().positive().optional(),
    /** Required when the agent joined over a transport: the session from its registration ack. */
    session: z.string().min(LIMITS.sessionMinLength).max(LIMITS.sessionMaxLength).optional(),
    /** The fence of the task request being answered, verbatim; when given, an answer with another one is refused. */
    fence: z.string().min(1).max(LIMITS.fenceLength).optional(),
  })
  .refine((response) => response.status === 'completed' || response.error !== undefined, {
    message: 'a failed task needs an error',
    path: ['error'],
  });

export type CreateTaskInput = z.input<typeof CreateTaskInputSchema>;
export type DistributeTaskInput = z.input<typeof DistributeTaskInputSchema>;
export type ParsedDistributeTaskInput = z.output<typeof DistributeTaskInputSchema>;
export type TaskResponseInput = z.input<typeof TaskResponseInputSchema>;
export type ParsedTaskResponse = z.output<typeof TaskResponseInputSchema>;

/** Where a task went: to an agent, or into the queue to wait for one. */
export type TaskAssignment =
  | {
      readonly taskId: string;
      readonly status: 'assigned';
      readonly agentId: string;
      /** The strategy that chose (after resolving the default and `custom`). */
      readonly strategy: string;
      readonly attempt: number;
    }
  | {
      readonly taskId: string;
      readonly status: 'queued';
      readonly agentId: null;
      readonly strategy: null;
      readonly attempt: number;
      /** Tasks waiting, this one included. */
      readonly queueDepth: number;
    };
