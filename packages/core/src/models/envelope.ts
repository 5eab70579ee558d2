import { z } from 'zod';
import { IDENTIFIER_PATTERNS } from './identifier-patterns.js';
import { AgentStatusUpdateSchema } from './agent-status-update.js';
import { AgentRegistrationSchema } from './agent-registration.js';
import { AgentIdSchema, CapabilityListSchema, SenderIdSchema, TaskIdSchema } from './identifiers.js';
import { JsonValueSchema } from './json-value.js';
import { MessagePrioritySchema } from './message-priority.js';
import { TaskErrorInfoSchema } from './task.js';
import { LIMITS } from './limits.js';
import { taskProgressFields } from './task-progress.js';

/** Addresses are dot-separated tokens (`orchestrator`, `agent.<id>`); NATS maps them to subjects. */
export const AddressSchema = z
  .string()
  .max(LIMITS.nameLength)
  .regex(IDENTIFIER_PATTERNS.address, 'must be dot-separated tokens of letters, digits, "_" or "-"');

export const TaskRequestPayloadSchema = z.strictObject({
  taskId: TaskIdSchema,
  /** Attempt number; the answer must carry the same one. */
  attempt: z.number().int().positive(),
  /** This attempt's fence: opaque and unguessable; the answer must echo it verbatim. */
  fence: z.string().min(1).max(LIMITS.fenceLength),
  taskType: z.string().min(1).max(LIMITS.nameLength),
  requiredCapabilities: CapabilityListSchema,
  data: JsonValueSchema,
  senderId: SenderIdSchema,
  priority: MessagePrioritySchema,
});

/**
 * The secret the orchestrator hands an agent in its registration ack; every later envelope from
 * that agent carries it (docs/protocol.md, "Sessions").
 */
export const AgentSessionSchema = z.string().min(LIMITS.sessionMinLength).max(LIMITS.sessionMaxLength);

export const TaskResponsePayloadSchema = z.strictObject({
  taskId: TaskIdSchema,
  attempt: z.number().int().positive().optional(),
  /** The fence of the task request answered, verbatim: an answer without the current one is refused. */
  fence: z.string().min(1).max(LIMITS.fenceLength),
  agentId: AgentIdSchema,
  status: z.enum(['completed', 'failed']),
  result: JsonValueSchema.optional(),
  error: TaskErrorInfoSchema.optional(),
  session: AgentSessionSchema.optional(),
});

/**
 * Agent to orchestrator, while it works on an attempt: progress for whoever waits. Fenced and
 * sessioned as an answer is; one from anyone but the attempt's holder is dropped (and counted).
 */
export const TaskProgressPayloadSchema = z.strictObject({
  taskId: TaskIdSchema,
  attempt: z.number().int().positive(),
  fence: z.string().min(1).max(LIMITS.fenceLength),
  agentId: AgentIdSchema,
  session: AgentSessionSchema.optional(),
  ...taskProgressFields,
});

/**
 * Orchestrator to agent: the attempt ended without the agent's answer (timed out, handed
 * elsewhere, the task was cancelled or finished elsewhere). Nobody wants its work any more.
 */
export const TaskCancelPayloadSchema = z.strictObject({
  taskId: TaskIdSchema,
  attempt: z.number().int().positive(),
  reason: z.strictObject({ code: z.string().min(1).max(128), message: z.string().max(10_000) }),
});

/** Orchestrator to agent: its answer was not booked, and why (STALE_ATTEMPT, NOT_ASSIGNED_AGENT, TASK_ALREADY_FINISHED, ...). */
export const AnswerRefusedPayloadSchema = z.strictObject({
  taskId: TaskIdSchema,
  attempt: z.number().int().positive().optional(),
  code: z.string().min(1).max(128),
  message: z.string().max(10_000),
});

export const AgentUnregisterPayloadSchema = z.strictObject({
  agentId: AgentIdSchema,
  session: AgentSessionSchema.optional(),
});

/** A registration on the wire: the agent's own description, and the token it authenticates with. */
export const AgentRegisterPayloadSchema = AgentRegistrationSchema.extend({
  authToken: z.string().min(1).max(4096).optional(),
  /** The session the agent asks for (an unguessable string it made); the orchestrator makes one when absent. */
  session: AgentSessionSchema.optional(),
});

/** The answer to a request envelope (register, unregister, status): correlationId names the request. */
export const AckPayloadSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    /** On a registration: how often the orchestrator expects this agent's heartbeat. */
    heartbeatIntervalMs: z.number().int().positive().optional(),
    /** On a registration over a transport: the session every later envelope of this agent must carry. */
    session: AgentSessionSchema.optional(),
  }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
]);

const envelopeFields = {
  id: z.string().min(1).max(LIMITS.identifierLength),
  from: AddressSchema,
  to: AddressSchema,
  priority: MessagePrioritySchema,
  correlationId: z.string().min(1).max(LIMITS.identifierLength).optional(),
  /** Epoch milliseconds at the sender. */
  sentAt: z.number().nonnegative(),
};

/** Everything that crosses a transport is one of these, JSON on the wire. See docs/protocol.md. */
export const EnvelopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...envelopeFields, kind: z.literal('task_request'), payload: TaskRequestPayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('task_response'), payload: TaskResponsePayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('agent_register'), payload: AgentRegisterPayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('agent_unregister'), payload: AgentUnregisterPayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('agent_status'), payload: AgentStatusUpdateSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('ack'), payload: AckPayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('task_cancel'), payload: TaskCancelPayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('answer_refused'), payload: AnswerRefusedPayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('task_progress'), payload: TaskProgressPayloadSchema }),
]);

export type Envelope = z.output<typeof EnvelopeSchema>;
export type EnvelopeInput = z.input<typeof EnvelopeSchema>;
export type EnvelopeKind = Envelope['kind'];
export type EnvelopeOf<K extends EnvelopeKind> = Extract<Envelope, { kind: K }>;
export type TaskRequestPayload = z.output<typeof TaskRequestPayloadSchema>;
export type TaskResponsePayload = z.output<typeof TaskResponsePayloadSchema>;
export type AckPayload = z.output<typeof AckPayloadSchema>;
export type TaskCancelPayload = z.output<typeof TaskCancelPayloadSchema>;
export type AnswerRefusedPayload = z.output<typeof AnswerRefusedPayloadSchema>;
export type TaskProgressPayload = z.output<typeof TaskProgressPayloadSchema>;
