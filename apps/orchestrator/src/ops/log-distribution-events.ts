import type { Logger } from '@switchyard/core';
import type { DistributionWatch } from './distribution-watch.js';

/**
 * Logs what the distributor does with the task and agent ids as fields: routine steps at debug,
 * retries and tasks that end without a result at info (they are outcomes, not faults of
 * Switchyard), agents changing status at info. Returns the way to stop.
 */
export function logDistributionEvents(watch: DistributionWatch, logger: Logger): () => void {
  return watch.onEvent((event) => {
    switch (event.type) {
      case 'task_queued':
        logger.debug('task queued', { taskId: event.task.id, reason: event.reason, queueDepth: event.queueDepth });
        return;
      case 'task_assigned':
        logger.debug('task assigned', {
          taskId: event.task.id,
          agentId: event.agentId,
          strategy: event.strategy,
          attempt: event.attempt,
          decisionMs: event.decisionMs,
        });
        return;
      case 'task_attempt_failed':
        logger.info('task attempt failed; retrying', {
          taskId: event.task.id,
          agentId: event.agentId,
          attempt: event.attempt,
          code: event.error.code,
          retryInMs: event.retryInMs,
        });
        return;
      case 'task_finished': {
        if (event.elsewhere === true) return;
        const fields = {
          taskId: event.task.id,
          agentId: event.task.assignedAgentId,
          status: event.task.status,
          latencyMs: event.latencyMs,
        };
        if (event.task.status === 'completed') logger.debug('task completed', fields);
        else
          logger.info(`task ${event.task.status}`, {
            ...fields,
            code: event.task.error?.code,
            error: event.task.error?.message,
          });
        return;
      }
      case 'agent_status_changed':
        logger.info('agent status changed', { agentId: event.agent.id, status: event.agent.status });
        return;
      default:
        // Registration and unregistration are logged by core itself.
        return;
    }
  });
}
