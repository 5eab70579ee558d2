import { z } from 'zod';
import { AddressSchema } from './envelope.js';
import { MessagePrioritySchema } from './message-priority.js';

/**
 * Several envelopes that share kind, from, to, priority and sentAt, written once with their
 * payloads in a list: the run `{ id, ..., payloads: [p0, p1] }` stands for the envelopes
 * `{ id: "<id>.0", ..., payload: p0 }` and `{ id: "<id>.1", ..., payload: p1 }`. Half the bytes
 * of the envelopes it replaces, and half the JSON work on each side. See docs/protocol.md.
 */
export const PackedRunSchema = z.strictObject({
  /** Leaves room for the `.<index>` the run's envelopes get. */
  id: z.string().min(1).max(120),
  kind: z.enum([
    'task_request',
    'task_response',
    'agent_register',
    'agent_unregister',
    'agent_status',
    'ack',
    'task_cancel',
    'answer_refused',
    'task_progress',
  ]),
  from: AddressSchema,
  to: AddressSchema,
  priority: MessagePrioritySchema,
  sentAt: z.number().nonnegative(),
  payloads: z.array(z.unknown()).min(1),
});

export type PackedRun = z.output<typeof PackedRunSchema>;
