import type {
  AgentSnapshot,
  Authenticator,
  OrchestrationEngine,
  Permission,
  Task,
  TaskProgressListener,
} from '@switchyard/core';
import {
  AgentIdSchema,
  AgentStatusSchema,
  BUILT_IN_STRATEGY_NAMES,
  MessagePrioritySchema,
  TaskErrorInfoSchema,
  TaskIdSchema,
  TaskStatusSchema,
  ValidationError,
} from '@switchyard/core';
import { authorize, authorizeAgent } from '@switchyard/core/internal';
import { z } from 'zod';
import type { AgentMailboxes } from './agent-mailboxes.js';

/** What a tool works with: the engine, and the caller's token (argument first, then the session's). */
export interface ToolContext {
  readonly engine: OrchestrationEngine;
  readonly authenticator: Authenticator;
  readonly mailboxes: AgentMailboxes;
  readonly authToken: string | undefined;
  /** Aborts when the call was cancelled or its HTTP connection dropped. */
  readonly signal?: AbortSignal;
  /** The most a result may carry (JSON bytes); larger task data is left to the task's resource. */
  readonly maxResultBytes?: number;
  /** Set when the caller asked for progress (a progressToken): hears the task's progress reports while a tool waits. */
  readonly onProgress?: TaskProgressListener;
}

export interface SwitchyardTool {
  readonly name: string;
  readonly description: string;
  /** The permissions of which the caller needs one (checked up front on HTTP for a 403). */
  readonly permissions: readonly Permission[];
  readonly inputSchema: z.ZodObject;
  readonly outputSchema: z.ZodObject;
  /** `links`: resource URIs the result points at (a task whose data is read there). */
  run(
    context: ToolContext,
    args: Record<string, unknown>,
  ): Promise<{ structured: Record<string, unknown>; summary: string; links?: readonly string[] }>;
}

/** Results stay under the 1 MiB per-event limit of the official Python client by default. */
export const DEFAULT_MAX_RESULT_BYTES = 768 * 1024;

const authToken = z
  .string()
  .optional()
  .describe('Auth token, for transports that carry none (stdio); HTTP uses the Authorization header');
const anyTask: Permission[] = ['tasks:create', 'tasks:distribute', 'tasks:respond'];
/** Reading tasks: anyone who works with tasks, task readers and watch-only operators. */
const taskReader: Permission[] = [...anyTask, 'tasks:read', 'ops:read'];
/** Reading agents and the queue. */
const agentReader: Permission[] = [...taskReader, 'agents:read'];

const priority = MessagePrioritySchema.optional().describe(
  'Queue order when agents are busy: critical first, low last (default normal)',
);
const strategy = z
  .string()
  .optional()
  .describe(
    `How the agent is picked: ${BUILT_IN_STRATEGY_NAMES.join(', ')} (custom = the configured plugin) or a configured plugin's name; default: distribution.capabilityStrategies, then distribution.defaultStrategy`,
  );
const taskData = z.unknown().optional().describe('Any JSON the agent needs (at most 128 levels deep)');
const capabilities = z
  .array(z.string())
  .describe('Capabilities an agent needs them all to take the task (letters, digits, "_", ".", ":", "/", "-")');

export function taskUri(taskId: string): string {
  return `switchyard://tasks/${taskId}`;
}

/** A task without its data, result and history: what results carry when the whole task would be too large. */
export function taskSummary(task: Task): Record<string, unknown> {
  const { data: _data, result: _result, history, ...rest } = task;
  return { ...rest, attemptsMade: history.length, resource: taskUri(task.id) };
}

function jsonBytes(value: unknown): number {
  // undefined (an absent result) serializes to nothing: count it as null.
  return value === undefined ? 4 : Buffer.byteLength(JSON.stringify(value));
}

/** The whole task when it fits the result limit, else its summary with `omitted` naming what the resource holds. */
function taskWithin(task: Task, maxBytes: number): Record<string, unknown> {
  if (jsonBytes(task) <= maxBytes) return { ...task, resource: taskUri(task.id) };
  return { ...taskSummary(task), omitted: ['data', 'result', 'history'] };
}

const TaskOutput = z.looseObject({
  id: z.string(),
  type: z.string(),
  status: TaskStatusSchema,
  assignedAgentId: z.string().nullable(),
  attempts: z.number(),
  resource: z.string().optional().describe('Read it (resources/read) for the whole task: data, result, history'),
});
const AgentOutput = z.looseObject({
  id: z.string(),
  capabilities: z.array(z.string()),
  status: AgentStatusSchema,
  load: z.number(),
  capacity: z.number().nullable(),
  priority: z.number(),
});

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

const str = (args: Record<string, unknown>, key: string): string => args[key] as string;

/** Per-task overrides of the configured retry and timeout limits, and the task's weight (checked by core's task schema). */
const taskLimitArgs = {
  max_attempts: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('Failed attempts before the task is dead-lettered (default: tasks.retry.maxAttempts)'),
  attempt_timeout_ms: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'How long one agent may hold the task before the attempt fails and it is retried (default: tasks.attemptTimeoutMs)',
    ),
  queue_timeout_ms: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Longest wait for a free agent before the task fails (default: tasks.queue.timeoutMs)'),
  weight: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe(
      "Units of an agent's capacity the task takes while it runs (default 1): only agents with that much room get it; refused with TASK_TOO_HEAVY when no capable agent's capacity is that large",
    ),
};

function taskLimits(args: Record<string, unknown>): {
  maxAttempts?: number;
  attemptTimeoutMs?: number;
  queueTimeoutMs?: number;
  weight?: number;
} {
  return defined({
    maxAttempts: args.max_attempts as number | undefined,
    attemptTimeoutMs: args.attempt_timeout_ms as number | undefined,
    queueTimeoutMs: args.queue_timeout_ms as number | undefined,
    weight: args.weight as number | undefined,
  });
}

/** The first items whose JSON fits in `maxBytes` (at least one, so a page always moves on). */
function withinBytes<T>(items: readonly T[], maxBytes: number): T[] {
  const kept: T[] = [];
  let bytes = 2;
  for (const item of items) {
    bytes += jsonBytes(item) + 1;
    if (kept.length > 0 && bytes > maxBytes) break;
    kept.push(item);
  }
  return kept;
}

const pageArgs = {
  limit: z
    .number()
    .int()
    .min(1)
    .max(1_000)
    .optional()
    .describe(
      'Most items in this page (default 100, at most 1000; a page also stops before its JSON would pass the result size limit)',
    ),
};
const PageOutput = {
  next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null when this was the last'),
};

export const SWITCHYARD_TOOLS: readonly SwitchyardTool[] = [
  {
    name: 'create_task',
    description:
      'Create a task that needs the given capabilities and leave it pending (nothing runs yet); execute_task hands it to an agent. Returns the task without its data (read its resource for all of it).',
    permissions: ['tasks:create'],
    inputSchema: z.strictObject({
      task_id: z
        .string()
        .optional()
        .describe('Your id for it (letters, digits, "_", "-", …); a random one when omitted'),
      task_type: z.string().describe('What kind of work, for the agent and the logs'),
      required_capabilities: capabilities,
      task_data: taskData,
      sender_id: z.string().optional().describe('Who asks (default: mcp)'),
      strategy,
      priority,
      ...taskLimitArgs,
      auth_token: authToken,
    }),
    outputSchema: z.object({ task: TaskOutput }),
    run: async ({ engine, authToken: token }, args) => {
      const task = await engine.createTask({
        authToken: token,
        taskType: str(args, 'task_type'),
        requiredCapabilities: args.required_capabilities as string[],
        ...defined({
          taskId: args.task_id as string | undefined,
          taskData: args.task_data as never,
          senderId: args.sender_id as string | undefined,
          strategy: args.strategy as string | undefined,
          priority: args.priority as never,
        }),
        ...taskLimits(args),
      });
      return {
        structured: { task: taskSummary(task) },
        summary: `Created task ${task.id} (${task.type}), pending, needs [${task.requiredCapabilities.join(', ')}]`,
        links: [taskUri(task.id)],
      };
    },
  },
  {
    name: 'execute_task',
    description:
      "Hand a created task to an agent (if still pending; a task already handed over is just awaited) and wait up to timeout_ms for the agent's answer. Fails with TIMEOUT if none comes in time (the task keeps running). A result too large for one response is left to the task's resource.",
    permissions: ['tasks:distribute'],
    inputSchema: z.strictObject({
      task_id: z.string().describe('The id create_task returned'),
      timeout_ms: z
        .number()
        .int()
        .positive()
        .max(86_400_000)
        .optional()
        .describe('How long to wait for the answer (default: tasks.defaultTimeoutMs)'),
      auth_token: authToken,
    }),
    outputSchema: z.object({
      result: z.looseObject({
        taskId: z.string(),
        agentId: z.string(),
        status: z.enum(['completed', 'failed']),
        resource: z.string(),
      }),
    }),
    run: async ({ engine, authToken: token, maxResultBytes = DEFAULT_MAX_RESULT_BYTES, onProgress }, args) => {
      const result = await engine.executeTask({
        authToken: token,
        taskId: str(args, 'task_id'),
        ...defined({ timeoutMs: args.timeout_ms as number | undefined, onProgress }),
      });
      const fits = jsonBytes(result) <= maxResultBytes;
      const structured = fits
        ? { ...result, resource: taskUri(result.taskId) }
        : { ...result, result: null, resource: taskUri(result.taskId), omitted: ['result'] };
      const shown = fits
        ? JSON.stringify(result.result)
        : `(${String(jsonBytes(result.result))} bytes: read ${taskUri(result.taskId)})`;
      return {
        structured: { result: structured },
        summary: `Task ${result.taskId} ${result.status} by ${result.agentId} in ${String(result.durationMs)} ms: ${result.status === 'failed' ? (result.error?.message ?? '') : shown}`,
        links: [taskUri(result.taskId)],
      };
    },
  },
  {
    name: 'cancel_task',
    description:
      'End a task that has not finished: it leaves the queue, or its agent is told to stop (task_cancel); its status becomes cancelled and anyone waiting for it gets TASK_CANCELLED.',
    permissions: ['tasks:distribute'],
    inputSchema: z.strictObject({ task_id: z.string(), reason: z.string().optional(), auth_token: authToken }),
    outputSchema: z.object({ task: TaskOutput }),
    run: async ({ engine, authToken: token }, args) => {
      const task = await engine.cancelTask({
        authToken: token,
        taskId: str(args, 'task_id'),
        ...defined({ reason: args.reason as string | undefined }),
      });
      return { structured: { task }, summary: `Task ${task.id} cancelled: ${task.error?.message ?? ''}` };
    },
  },
  {
    name: 'distribute_task',
    description:
      'Create a task and hand it at once to an agent chosen by the strategy, or queue it (status queued) when every capable agent is busy; returns where it went, not the result (get_task or the task resource shows that). Fails with NO_CAPABLE_AGENT when no registered agent has the capabilities.',
    permissions: ['tasks:distribute'],
    inputSchema: z.strictObject({
      task_id: z.string().describe('Your id for it (letters, digits, "_", "-", …)'),
      task_type: z.string().describe('What kind of work, for the agent and the logs'),
      required_capabilities: capabilities,
      task_data: taskData,
      sender_id: z.string().describe('Who asks'),
      strategy,
      priority,
      ...taskLimitArgs,
      auth_token: authToken,
    }),
    outputSchema: z.object({
      assignment: z.looseObject({
        taskId: z.string(),
        status: z.enum(['assigned', 'queued']),
        agentId: z.string().nullable(),
        strategy: z.string().nullable(),
        attempt: z.number(),
      }),
    }),
    run: async ({ engine, authToken: token }, args) => {
      const assignment = await engine.distributeTask({
        authToken: token,
        taskId: str(args, 'task_id'),
        taskType: str(args, 'task_type'),
        requiredCapabilities: args.required_capabilities as string[],
        senderId: str(args, 'sender_id'),
        ...defined({
          taskData: args.task_data as never,
          strategy: args.strategy as string | undefined,
          priority: args.priority as never,
        }),
        ...taskLimits(args),
      });
      const summary =
        assignment.status === 'queued'
          ? `Task ${assignment.taskId} is queued (${String(assignment.queueDepth)} waiting): every capable agent is busy`
          : `Task ${assignment.taskId} went to ${assignment.agentId} (${assignment.strategy}, attempt ${String(assignment.attempt)})`;
      return { structured: { assignment }, summary, links: [taskUri(assignment.taskId)] };
    },
  },
  {
    name: 'handle_task_response',
    description:
      "An agent's answer to a task assigned to it: status completed with a result, or failed with an error (retried on another attempt unless error.permanent or attempts run out, then failed/dead-lettered). Pass the attempt receive_tasks gave, so a late answer to an older attempt is refused.",
    permissions: ['tasks:respond'],
    inputSchema: z.strictObject({
      task_id: z.string(),
      agent_id: z.string().describe('The agent answering; a token bound to an agent answers only as it'),
      status: z.enum(['completed', 'failed']),
      result: z.unknown().optional().describe('Any JSON (with status completed)'),
      error: TaskErrorInfoSchema.optional().describe('Why it failed (needed with status failed)'),
      attempt: z.number().int().positive().optional().describe('The attempt being answered, as receive_tasks gave it'),
      fence: z
        .string()
        .optional()
        .describe('The fence receive_tasks gave with the task, verbatim: an answer with another one is refused'),
      auth_token: authToken,
    }),
    outputSchema: z.object({ task: TaskOutput }),
    run: async ({ engine, authToken: token }, args) => {
      const task = await engine.handleTaskResponse({
        authToken: token,
        taskId: str(args, 'task_id'),
        agentId: str(args, 'agent_id'),
        status: args.status as 'completed',
        ...defined({
          result: args.result as never,
          error: args.error as never,
          attempt: args.attempt as number | undefined,
          fence: args.fence as string | undefined,
        }),
      });
      return {
        structured: { task: taskSummary(task) },
        summary: `Task ${task.id} is now ${task.status}`,
        links: [taskUri(task.id)],
      };
    },
  },
  {
    name: 'report_progress',
    description:
      "For an agent registered through MCP, while it works on a task from receive_tasks: tell whoever waits for it how it is going (a message, how far along from 0 to 1, a partial result). Pass the task's attempt and fence as receive_tasks gave them; a report for an attempt the agent no longer holds is refused (STALE_ATTEMPT, TASK_ALREADY_FINISHED, NOT_ASSIGNED_AGENT).",
    permissions: ['tasks:respond'],
    inputSchema: z.strictObject({
      task_id: z.string(),
      agent_id: z.string().describe('The agent reporting; a token bound to an agent reports only as it'),
      attempt: z.number().int().positive().describe('The attempt, as receive_tasks gave it'),
      fence: z.string().describe('The fence receive_tasks gave with the task, verbatim'),
      message: z.string().optional().describe('A line for people (at most 2000 characters)'),
      fraction: z.number().optional().describe('How far along, from 0 to 1'),
      partial: z.unknown().optional().describe('A partial result: any JSON (at most 65536 characters of it)'),
      auth_token: authToken,
    }),
    outputSchema: z.object({
      progress: z.looseObject({ taskId: z.string(), attempt: z.number(), agentId: z.string(), at: z.number() }),
    }),
    run: async ({ engine, authToken: token }, args) => {
      const progress = await engine.reportTaskProgress({
        authToken: token,
        taskId: str(args, 'task_id'),
        agentId: str(args, 'agent_id'),
        attempt: args.attempt as number,
        fence: str(args, 'fence'),
        ...defined({
          message: args.message as string | undefined,
          fraction: args.fraction as number | undefined,
          partial: args.partial as never,
        }),
      });
      return {
        structured: { progress },
        summary: `Progress of task ${progress.taskId} reported${progress.fraction === undefined ? '' : ` (${String(Math.round(progress.fraction * 100))} %)`}`,
      };
    },
  },
  {
    name: 'register_agent_with_distributor',
    description:
      'Register (or update) an agent with its capabilities, priority and capacity. An agent registered here receives its tasks through receive_tasks and must keep polling it: after agents.mcpLeaseMs without a poll it is marked offline and the tasks it held go to other agents (polling again brings it back online).',
    permissions: ['agents:register'],
    inputSchema: z.strictObject({
      agent_id: z
        .string()
        .describe('Letters, digits, "_", ".", "-"; a token bound to an agent registers only that agent'),
      capabilities: z.array(z.string()).describe('What it can do; tasks needing all of a subset of these may go to it'),
      priority: z.number().optional().describe('Preferred by the priority_based strategy when higher (default 0)'),
      capacity: z.number().int().positive().optional().describe('Tasks it holds at once (default: no limit)'),
      metadata: z.record(z.string(), z.unknown()).optional().describe('Any JSON object, shown in agent lists'),
      auth_token: authToken,
    }),
    outputSchema: z.object({ agent: AgentOutput }),
    run: async ({ engine, mailboxes, authToken: token }, args) => {
      const agent = await engine.registerAgentWithDistributor({
        authToken: token,
        agentId: str(args, 'agent_id'),
        capabilities: args.capabilities as string[],
        ...defined({
          priority: args.priority as number | undefined,
          capacity: args.capacity as number | undefined,
          metadata: args.metadata as never,
        }),
      });
      await mailboxes.open(agent.id);
      return {
        structured: { agent },
        summary: `Agent ${agent.id} registered with [${agent.capabilities.join(', ')}]; call receive_tasks to get its tasks`,
      };
    },
  },
  {
    name: 'unregister_agent_from_distributor',
    description:
      'Remove an agent. Tasks it still held are requeued for other capable agents (they do not fail); tasks waiting in its receive_tasks mailbox are dropped and requeued the same way.',
    permissions: ['agents:register'],
    inputSchema: z.strictObject({ agent_id: z.string(), auth_token: authToken }),
    outputSchema: z.object({ agent: AgentOutput }),
    run: async ({ engine, mailboxes, authToken: token }, args) => {
      const agent = await engine.unregisterAgentFromDistributor({ authToken: token, agentId: str(args, 'agent_id') });
      await mailboxes.close(agent.id);
      return { structured: { agent }, summary: `Agent ${agent.id} unregistered` };
    },
  },
  {
    name: 'update_agent_status_in_distributor',
    description:
      "Report an agent's status and optionally its current load. offline: its held tasks go to other agents; draining: it finishes what it holds but gets nothing new; online: it gets tasks again. is_online true/false is shorthand for online/offline.",
    permissions: ['agents:update'],
    inputSchema: z.strictObject({
      agent_id: z.string(),
      is_online: z.boolean().optional(),
      status: AgentStatusSchema.optional(),
      current_load: z.number().int().min(0).optional().describe('Tasks it is working on now'),
      auth_token: authToken,
    }),
    outputSchema: z.object({ agent: AgentOutput }),
    run: async ({ engine, authToken: token }, args) => {
      const agent = await engine.updateAgentStatusInDistributor({
        authToken: token,
        agentId: str(args, 'agent_id'),
        ...defined({
          isOnline: args.is_online as boolean | undefined,
          status: args.status as never,
          currentLoad: args.current_load as number | undefined,
        }),
      });
      return { structured: { agent }, summary: `Agent ${agent.id} is ${agent.status}, load ${String(agent.load)}` };
    },
  },
  {
    name: 'get_task',
    description:
      "A task's current state, result or error. The whole task when it fits one result; otherwise its summary with omitted naming what to read from its resource (switchyard://tasks/{id}). A token bound to an agent sees only that agent's tasks.",
    permissions: taskReader,
    inputSchema: z.strictObject({ task_id: z.string(), auth_token: authToken }),
    outputSchema: z.object({ task: TaskOutput }),
    run: async ({ engine, authToken: token, maxResultBytes = DEFAULT_MAX_RESULT_BYTES }, args) => {
      const task = await engine.getTask({ authToken: token, taskId: str(args, 'task_id') });
      return {
        structured: { task: taskWithin(task, maxResultBytes) },
        summary: `Task ${task.id} is ${task.status}${task.assignedAgentId === null ? '' : ` (agent ${task.assignedAgentId})`}`,
        links: [taskUri(task.id)],
      };
    },
  },
  {
    name: 'list_tasks',
    description:
      'One page of the tasks the orchestrator holds (unfinished ones and the most recently finished), as summaries without data or result (get_task or the task resource has those): oldest first or (order: newest) newest first, optionally only one status. Pass next_cursor back as cursor for the next page. A token bound to an agent lists only its tasks.',
    permissions: taskReader,
    inputSchema: z.strictObject({
      status: TaskStatusSchema.optional(),
      order: z.enum(['oldest', 'newest']).optional().describe('default oldest'),
      cursor: TaskIdSchema.optional().describe('next_cursor of the previous page'),
      ...pageArgs,
      auth_token: authToken,
    }),
    outputSchema: z.object({ tasks: z.array(TaskOutput), ...PageOutput }),
    run: async ({ engine, authToken: token, maxResultBytes = DEFAULT_MAX_RESULT_BYTES }, args) => {
      const limit = (args.limit as number | undefined) ?? 100;
      const found = await engine.listTasks({
        authToken: token,
        limit: limit + 1,
        ...defined({
          status: args.status as never,
          order: args.order as never,
          after: args.cursor as string | undefined,
        }),
      });
      const page = withinBytes(found.slice(0, limit).map(taskSummary), maxResultBytes);
      const nextCursor = page.length < found.length ? String(page[page.length - 1]?.id) : null;
      return {
        structured: { tasks: page, next_cursor: nextCursor },
        summary:
          (page.length === 0
            ? 'No tasks'
            : page
                .map(
                  (task) =>
                    `${String(task.id)} ${String(task.type)} ${String(task.status)}${typeof task.assignedAgentId === 'string' ? ` (agent ${task.assignedAgentId})` : ''}`,
                )
                .join('\n')) + (nextCursor === null ? '' : `\n(more: cursor ${nextCursor})`),
      };
    },
  },
  {
    name: 'list_agents',
    description:
      'One page of the registered agents with capabilities, status, load, capacity, priority and outcome stats, in registration order. Pass next_cursor back as cursor for the next page.',
    permissions: [...agentReader, 'agents:register', 'agents:update'],
    inputSchema: z.strictObject({
      cursor: AgentIdSchema.optional().describe('next_cursor of the previous page'),
      ...pageArgs,
      auth_token: authToken,
    }),
    outputSchema: z.object({ agents: z.array(AgentOutput), ...PageOutput }),
    run: async ({ engine, authToken: token, maxResultBytes = DEFAULT_MAX_RESULT_BYTES }, args) => {
      const all = await engine.listAgents({ authToken: token });
      const cursor = args.cursor as string | undefined;
      const start = cursor === undefined ? 0 : all.findIndex((agent) => agent.id === cursor) + 1;
      const rest = start === 0 && cursor !== undefined ? [] : all.slice(start);
      const page: AgentSnapshot[] = withinBytes(
        rest.slice(0, (args.limit as number | undefined) ?? 100),
        maxResultBytes,
      );
      const nextCursor = page.length < rest.length ? (page[page.length - 1]?.id ?? null) : null;
      return {
        structured: { agents: page, next_cursor: nextCursor },
        summary:
          (page.length === 0
            ? 'No agents registered'
            : page
                .map(
                  (agent) =>
                    `${agent.id} [${agent.capabilities.join(', ')}] ${agent.status} ${String(agent.load)}/${agent.capacity === null ? '∞' : String(agent.capacity)}`,
                )
                .join('\n')) + (nextCursor === null ? '' : `\n(more: cursor ${nextCursor})`),
      };
    },
  },
  {
    name: 'get_queue_stats',
    description:
      'Tasks waiting for a free agent or a retry: total, per priority, the longest wait and the queue limit (tasks.queue.maxLength).',
    permissions: [...agentReader, 'agents:update'],
    inputSchema: z.strictObject({ auth_token: authToken }),
    outputSchema: z.object({
      queue: z.object({
        depth: z.number(),
        byPriority: z.object({ low: z.number(), normal: z.number(), high: z.number(), critical: z.number() }),
        oldestWaitMs: z.number(),
        maxLength: z.number(),
      }),
    }),
    run: async ({ engine, authToken: token }) => {
      const queue = await engine.queueStats({ authToken: token });
      const { critical, high, normal, low } = queue.byPriority;
      return {
        structured: { queue },
        summary: `${String(queue.depth)} waiting (critical ${String(critical)}, high ${String(high)}, normal ${String(normal)}, low ${String(low)}); longest wait ${String(queue.oldestWaitMs)} ms`,
      };
    },
  },
  {
    name: 'receive_tasks',
    description:
      "For an agent registered through MCP: wait up to timeout_ms for tasks assigned to it (long poll), then answer each with handle_task_response and the attempt and fence given here. Polling keeps the agent's lease (agents.mcpLeaseMs). A cancelled poll, or one whose connection dropped, takes nothing. A task whose data does not fit one result comes with dataOmitted: read its resource.",
    permissions: ['tasks:respond'],
    inputSchema: z.strictObject({
      agent_id: z.string(),
      timeout_ms: z
        .number()
        .int()
        .min(0)
        .max(300_000)
        .optional()
        .describe('Longest wait for the first task (default 30000; 0 answers at once)'),
      max_tasks: z.number().int().min(1).max(1_000).optional().describe('Most tasks to take (default 10)'),
      auth_token: authToken,
    }),
    outputSchema: z.object({
      tasks: z.array(
        z.looseObject({
          taskId: z.string(),
          attempt: z.number(),
          fence: z.string(),
          taskType: z.string(),
          dataOmitted: z.boolean().optional(),
          resource: z.string().optional(),
        }),
      ),
    }),
    run: async (
      { authenticator, mailboxes, authToken: token, signal, maxResultBytes = DEFAULT_MAX_RESULT_BYTES },
      args,
    ) => {
      const principal = await authenticator.authenticate(token);
      authorize(principal, 'tasks:respond');
      const agentId = str(args, 'agent_id');
      authorizeAgent(principal, agentId);
      if (!mailboxes.has(agentId))
        throw ValidationError.field(
          'agent_id',
          'no agent with this id was registered through MCP (call register_agent_with_distributor first)',
          'receive_tasks arguments',
        );
      const timeoutMs = (args.timeout_ms as number | undefined) ?? 30_000;
      const taken = await mailboxes.take(agentId, (args.max_tasks as number | undefined) ?? 10, timeoutMs, signal);
      if (signal?.aborted === true) {
        // Nobody is left to receive them: first in line for the next poll.
        mailboxes.putBack(agentId, taken);
        return { structured: { tasks: [] }, summary: 'Cancelled' };
      }
      let budget = maxResultBytes;
      const tasks = taken.map((task) => {
        budget -= jsonBytes(task);
        return budget >= 0 ? task : { ...task, data: null, dataOmitted: true, resource: taskUri(task.taskId) };
      });
      return {
        structured: { tasks },
        summary:
          tasks.length === 0
            ? `No task for ${agentId} within ${String(timeoutMs)} ms`
            : tasks
                .map(
                  (task) =>
                    `${task.taskId} (${task.taskType}, attempt ${String(task.attempt)}): ${'dataOmitted' in task ? `data at ${taskUri(task.taskId)}` : JSON.stringify(task.data)}`,
                )
                .join('\n'),
        links: tasks.filter((task) => 'dataOmitted' in task).map((task) => taskUri(task.taskId)),
      };
    },
  },
];
