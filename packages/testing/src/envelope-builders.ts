import type { Envelope } from '@switchyard/core/internal';
import { agentAddress, nextEnvelopeId } from '@switchyard/core/internal';

/** A valid task_request envelope, for tests that need traffic. */
export function taskRequestEnvelope(from: string, to: string, sequence: number, correlationId?: string): Envelope {
  return {
    id: nextEnvelopeId(),
    kind: 'task_request',
    from,
    to,
    priority: 'normal',
    sentAt: Date.now(),
    ...(correlationId === undefined ? {} : { correlationId }),
    payload: {
      taskId: `task-${String(sequence)}`,
      attempt: 1,
      fence: `fence-${String(sequence)}`,
      taskType: 'conformance',
      requiredCapabilities: ['test'],
      data: { sequence },
      senderId: 'conformance-suite',
      priority: 'normal',
    },
  };
}

/** A valid task_response envelope answering `request` (correlationId = request.id). */
export function taskResponseEnvelope(request: Envelope, agentId: string): Envelope {
  return {
    id: nextEnvelopeId(),
    kind: 'task_response',
    from: agentAddress(agentId),
    to: request.from,
    priority: request.priority,
    correlationId: request.id,
    sentAt: Date.now(),
    payload: {
      taskId: request.kind === 'task_request' ? request.payload.taskId : 'unknown',
      fence: request.kind === 'task_request' ? request.payload.fence : 'unknown',
      agentId,
      status: 'completed',
      result: { answered: request.id },
    },
  };
}
