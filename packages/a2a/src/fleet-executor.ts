import type { Message, Task, TaskState as TaskStateValue } from '@a2a-js/sdk';
import { Role, TaskState } from '@a2a-js/sdk';
import type { AgentExecutor, ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import { AgentEvent } from '@a2a-js/sdk/server';
import type { JsonValue, Logger, OrchestrationEngine, TaskProgressEvent } from '@switchyard/core';
import { SwitchyardError } from '@switchyard/core';
import type { A2aServerOptions } from './a2a-server-options.js';
import { partsOfTaskData, taskDataOfParts, textPart } from './a2a-parts.js';

/** Where the HTTP route leaves the caller's bearer token for the executor, in the call context's state. */
export const CALLER_TOKEN = 'switchyard.token';
/** And the caller's principal name (the task's sender). */
export const CALLER_NAME = 'switchyard.caller';

function agentMessage(taskId: string, contextId: string, text: string): Message {
  return {
    messageId: globalThis.crypto.randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The skill a message names: `message.metadata.skill` (checked by the HTTP route before it gets here). */
export function skillOf(message: Message | undefined): string | undefined {
  const skill: unknown = message?.metadata?.skill;
  return typeof skill === 'string' ? skill : undefined;
}

/**
 * Switchyard's fleet as one A2A agent: each message becomes one Switchyard task (the named skill is
 * its required capability, the parts its data), distributed by the engine with the configured
 * strategy; the agent's result comes back as the artifact `result`, and the task's end as the A2A
 * task's final state (`completed`, `failed`, `canceled`). `tasks/cancel` cancels the Switchyard task.
 */
export class FleetExecutor implements AgentExecutor {
  /** Running tasks: the token of the caller that started each (tasks/cancel comes without one). */
  private readonly running = new Map<string, string>();

  constructor(
    private readonly engine: OrchestrationEngine,
    private readonly options: A2aServerOptions,
    private readonly logger: Logger,
  ) {}

  async execute(requestContext: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const { taskId, contextId } = requestContext;
    const message = requestContext.userMessage;
    if (requestContext.task !== undefined) {
      // A follow-up to a task: Switchyard's tasks take one message.
      bus.publish(
        AgentEvent.message(
          agentMessage(
            taskId,
            contextId,
            'Each Switchyard task takes one message: send a new message (without taskId) for new work.',
          ),
        ),
      );
      bus.finished();
      return;
    }
    const token = requestContext.context.state.get(CALLER_TOKEN);
    const caller = requestContext.context.state.get(CALLER_NAME);
    const skill = skillOf(message) ?? '';
    const task: Task = {
      id: taskId,
      contextId,
      status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date().toISOString() },
      artifacts: [],
      history: [message],
      metadata: { skill },
    };
    bus.publish(AgentEvent.task(task));
    this.status(bus, taskId, contextId, TaskState.TASK_STATE_WORKING, `handing the task to an agent with '${skill}'`);
    this.running.set(taskId, typeof token === 'string' ? token : '');
    try {
      const result = await this.engine.runTask({
        ...(typeof token === 'string' ? { authToken: token } : {}),
        taskId,
        taskType: 'a2a',
        requiredCapabilities: [skill],
        taskData: taskDataOfParts(message.parts),
        senderId: `a2a:${typeof caller === 'string' ? caller : 'client'}`.slice(0, 128),
        timeoutMs: this.options.taskTimeoutMs,
        onProgress: (event) => {
          this.progress(bus, contextId, event);
        },
        ...(this.options.strategy === undefined ? {} : { strategy: this.options.strategy }),
      });
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: {
            artifactId: 'result',
            name: 'result',
            description: `the result of agent '${result.agentId}'`,
            parts: partsOfTaskData(result.result ?? null),
            metadata: undefined,
            extensions: [],
          },
          append: false,
          lastChunk: true,
          metadata: undefined,
        }),
      );
      this.status(bus, taskId, contextId, TaskState.TASK_STATE_COMPLETED, '', {
        agentId: result.agentId,
        attempt: result.attempt,
        durationMs: result.durationMs,
      });
    } catch (error) {
      const code = error instanceof SwitchyardError ? error.code : 'INTERNAL_ERROR';
      if (code === 'TASK_CANCELLED')
        this.status(bus, taskId, contextId, TaskState.TASK_STATE_CANCELED, messageOf(error));
      else this.status(bus, taskId, contextId, TaskState.TASK_STATE_FAILED, `${code}: ${messageOf(error)}`, { code });
      this.logger.debug('A2A task did not complete', { taskId, code });
    } finally {
      this.running.delete(taskId);
      bus.finished();
    }
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const token = this.running.get(taskId);
    if (token === undefined) {
      // Not running here (finished, or never started): nothing to call back.
      bus.finished();
      return;
    }
    try {
      await this.engine.cancelTask({
        ...(token === '' ? {} : { authToken: token }),
        taskId,
        reason: 'cancelled by the A2A client',
      });
    } catch (error) {
      this.logger.warn('A2A tasks/cancel: the Switchyard task was not cancelled', { taskId, error: messageOf(error) });
    }
    // execute() publishes `canceled` once the engine gives the task up.
  }

  /** An agent's progress report as a `working` status update: its message as the text, the rest in metadata. */
  private progress(bus: ExecutionEventBus, contextId: string, event: TaskProgressEvent): void {
    const fraction = event.fraction === undefined ? '' : `${String(Math.round(event.fraction * 100))} %`;
    this.status(bus, event.taskId, contextId, TaskState.TASK_STATE_WORKING, event.message ?? fraction, {
      agentId: event.agentId,
      attempt: event.attempt,
      ...(event.fraction === undefined ? {} : { fraction: event.fraction }),
      ...(event.partial === undefined ? {} : { partial: event.partial }),
    });
  }

  private status(
    bus: ExecutionEventBus,
    taskId: string,
    contextId: string,
    state: TaskStateValue,
    text: string,
    metadata?: Record<string, JsonValue>,
  ): void {
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: {
          state,
          message: text === '' ? undefined : agentMessage(taskId, contextId, text),
          timestamp: new Date().toISOString(),
        },
        metadata: metadata === undefined ? undefined : { switchyard: metadata },
      }),
    );
  }
}
