import { z } from 'zod';
import { IDENTIFIER_PATTERNS } from './identifier-patterns.js';
import { AgentStatusUpdateSchema } from './agent-status-update.js';
import { AgentRegistrationSchema } from './agent-registration.js';
import { AgentIdSchema, CapabilityListSchema, SenderIdSchema, TaskIdSchema } from './identifiers.js';
import { JsonValueSchema } from './json-value.js';
import { MessagePrioritySchema } from './message-priority.js';
import { TaskErrorInfoSchema } from './task.js';

/** Addresses are dot-separated tokens (`orchestrator`, `agent.<id>`); NATS maps them to subjects. */
export const AddressSchema = z
  .string()
  .max(256)
  .regex(IDENTIFIER_PATTERNS.address, 'must be dot-separated tokens of letters, digits, "_" or "-"');

export const TaskRequestPayloadSchema = z.strictObject({
  taskId: TaskIdSchema,
  /** Attempt number; the answer must carry the same one. */
  attempt: z.number().int().positive(),
  /** This attempt's fence: opaque and unguessable; the answer must echo it verbatim. */
  fence: z.string().min(1).max(128),
  taskType: z.string().min(1).max(256),
  requiredCapabilities: CapabilityListSchema,
  data: JsonValueSchema,
  senderId: SenderIdSchema,
  priority: MessagePrioritySchema,
});

export const TaskResponsePayloadSchema = z.strictObject({
  taskId: TaskIdSchema,
  attempt: z.number().int().positive().optional(),
  /** The fence of the task request answered, verbatim: an answer without the current one is refused. */
  fence: z.string().min(1).max(128),
  agentId: AgentIdSchema,
  status: z.enum(['completed', 'failed']),
  result: JsonValueSchema.optional(),
  error: TaskErrorInfoSchema.optional(),
});

export const AgentUnregisterPayloadSchema = z.strictObject({ agentId: AgentIdSchema });

/** The answer to a request envelope (register, unregister, status): correlationId names the request. */
export const AckPayloadSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    /** On a registration: how often the orchestrator expects this agent's heartbeat. */
    heartbeatIntervalMs: z.number().int().positive().optional(),
  }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
  }),
]);

const envelopeFields = {
  id: z.string().min(1).max(128),
  from: AddressSchema,
  to: AddressSchema,
  priority: MessagePrioritySchema,
  correlationId: z.string().min(1).max(128).optional(),
  /** Epoch milliseconds at the sender. */
  sentAt: z.number().nonnegative(),
};

/** Everything that crosses a transport is one of these, JSON on the wire. See docs/protocol.md. */
export const EnvelopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...envelopeFields, kind: z.literal('task_request'), payload: TaskRequestPayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('task_response'), payload: TaskResponsePayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('agent_register'), payload: AgentRegistrationSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('agent_unregister'), payload: AgentUnregisterPayloadSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('agent_status'), payload: AgentStatusUpdateSchema }),
  z.strictObject({ ...envelopeFields, kind: z.literal('ack'), payload: AckPayloadSchema }),
]);

export type Envelope = z.output<typeof EnvelopeSchema>;
export type EnvelopeInput = z.input<typeof EnvelopeSchema>;
export type EnvelopeKind = Envelope['kind'];
export type EnvelopeOf<K extends EnvelopeKind> = Extract<Envelope, { kind: K }>;
export type TaskRequestPayload = z.output<typeof TaskRequestPayloadSchema>;
export type TaskResponsePayload = z.output<typeof TaskResponsePayloadSchema>;
export type AckPayload = z.output<typeof AckPayloadSchema>;
