import type { Authenticator, OrchestrationEngine, Permission } from '@switchyard/core';
import { authorize, authorizeAgent, ValidationError } from '@switchyard/core';
import { z } from 'zod';
import type { AgentMailboxes } from './agent-mailboxes.js';

/** What a tool works with: the engine, and the caller's token (argument first, then the session's). */
export interface ToolContext {
  readonly engine: OrchestrationEngine;
  readonly authenticator: Authenticator;
  readonly mailboxes: AgentMailboxes;
  readonly authToken: string | undefined;
}

export interface SwitchyardTool {
  readonly name: string;
  readonly description: string;
  /** The permissions of which the caller needs one (checked up front on HTTP for a 403). */
  readonly permissions: readonly Permission[];
  readonly inputSchema: z.ZodObject;
  readonly outputSchema: z.ZodObject;
  run(context: ToolContext, args: Record<string, unknown>): Promise<{ structured: Record<string, unknown>; summary: string }>;
}

const authToken = z.string().optional().describe('Auth token, for transports that carry none (stdio); HTTP uses the Authorization header');
const anyTask: Permission[] = ['tasks:create', 'tasks:distribute', 'tasks:respond'];
/** The read-only tools also serve watch-only tokens. */
const reader: Permission[] = [...anyTask, 'ops:read'];

const TaskOutput = z.looseObject({ id: z.string(), type: z.string(), status: z.string(), assignedAgentId: z.string().nullable(), attempts: z.number() });
const AgentOutput = z.looseObject({ id: z.string(), capabilities: z.array(z.string()), status: z.string(), load: z.number(), capacity: z.number().nullable(), priority: z.number() });

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

const str = (args: Record<string, unknown>, key: string): string => args[key] as string;

/** Per-task overrides of the configured retry and timeout limits (checked by core's task schema). */
const taskLimitArgs = {
  max_attempts: z.number().optional().describe('Failed attempts before the task is dead-lettered (default: tasks.retry.maxAttempts)'),
  attempt_timeout_ms: z.number().optional().describe('How long one agent may hold the task before the attempt fails (default: tasks.attemptTimeoutMs)'),
  queue_timeout_ms: z.number().optional().describe('Longest wait for a free agent (default: tasks.queue.timeoutMs)'),
};

function taskLimits(args: Record<string, unknown>): { maxAttempts?: number; attemptTimeoutMs?: number; queueTimeoutMs?: number } {
  return defined({
    maxAttempts: args.max_attempts as number | undefined,
    attemptTimeoutMs: args.attempt_timeout_ms as number | undefined,
    queueTimeoutMs: args.queue_timeout_ms as number | undefined,
  });
}

export const SWITCHYARD_TOOLS: readonly SwitchyardTool[] = [
  {
    name: 'create_task',
    description: 'Create a pending task that needs the given capabilities; execute_task hands it to an agent.',
    permissions: ['tasks:create'],
    inputSchema: z.strictObject({
      task_id: z.string().optional(),
      task_type: z.string(),
      required_capabilities: z.array(z.string()),
      task_data: z.unknown().optional(),
      sender_id: z.string().optional(),
      strategy: z.string().optional(),
      priority: z.string().optional(),
      ...taskLimitArgs,
      auth_token: authToken,
    }),
    outputSchema: z.object({ task: TaskOutput }),
    run: async ({ engine, authToken: token }, args) => {
      const task = await engine.createTask({
        authToken: token,
        taskType: str(args, 'task_type'),
        requiredCapabilities: args.required_capabilities as string[],
        ...defined({ taskId: args.task_id as string | undefined, taskData: args.task_data as never, senderId: args.sender_id as string | undefined, strategy: args.strategy as string | undefined, priority: args.priority as never }),
        ...taskLimits(args),
      });
      return { structured: { task }, summary: `Created task ${task.id} (${task.type}), pending, needs [${task.requiredCapabilities.join(', ')}]` };
    },
  },
  {
    name: 'execute_task',
    description: 'Hand a created task to an agent (if still pending) and wait for its result, up to timeout_ms.',
    permissions: ['tasks:distribute'],
    inputSchema: z.strictObject({ task_id: z.string(), timeout_ms: z.number().optional(), auth_token: authToken }),
    outputSchema: z.object({ result: z.looseObject({ taskId: z.string(), agentId: z.string(), status: z.string() }) }),
    run: async ({ engine, authToken: token }, args) => {
      const result = await engine.executeTask({ authToken: token, taskId: str(args, 'task_id'), ...defined({ timeoutMs: args.timeout_ms as number | undefined }) });
      return { structured: { result }, summary: `Task ${result.taskId} completed by ${result.agentId} in ${String(result.durationMs)} ms: ${JSON.stringify(result.result)}` };
    },
  },
  {
    name: 'distribute_task',
    description: 'Create a task and hand it to an agent chosen by the strategy, or queue it when every capable agent is busy; returns where it went.',
    permissions: ['tasks:distribute'],
    inputSchema: z.strictObject({
      task_id: z.string(),
      task_type: z.string(),
      required_capabilities: z.array(z.string()),
      task_data: z.unknown().optional(),
      sender_id: z.string(),
      strategy: z.string().optional(),
      priority: z.string().optional(),
      ...taskLimitArgs,
      auth_token: authToken,
    }),
    outputSchema: z.object({
      assignment: z.looseObject({ taskId: z.string(), status: z.enum(['assigned', 'queued']), agentId: z.string().nullable(), strategy: z.string().nullable(), attempt: z.number() }),
    }),
    run: async ({ engine, authToken: token }, args) => {
      const assignment = await engine.distributeTask({
        authToken: token,
        taskId: str(args, 'task_id'),
        taskType: str(args, 'task_type'),
        requiredCapabilities: args.required_capabilities as string[],
        senderId: str(args, 'sender_id'),
        ...defined({ taskData: args.task_data as never, strategy: args.strategy as string | undefined, priority: args.priority as never }),
        ...taskLimits(args),
      });
      const summary =
        assignment.status === 'queued'
          ? `Task ${assignment.taskId} is queued (${String(assignment.queueDepth)} waiting): every capable agent is busy`
          : `Task ${assignment.taskId} went to ${assignment.agentId} (${assignment.strategy}, attempt ${String(assignment.attempt)})`;
      return { structured: { assignment }, summary };
    },
  },
  {
    name: 'handle_task_response',
    description: "An agent's answer to a task assigned to it: status completed with a result, or failed with an error.",
    permissions: ['tasks:respond'],
    inputSchema: z.strictObject({
      task_id: z.string(),
      agent_id: z.string(),
      status: z.string(),
      result: z.unknown().optional(),
      error: z.unknown().optional(),
      attempt: z.number().optional(),
      fence: z.string().optional().describe('The fence receive_tasks gave with the task, verbatim: an answer with another one is refused'),
      auth_token: authToken,
    }),
    outputSchema: z.object({ task: TaskOutput }),
    run: async ({ engine, authToken: token }, args) => {
      const task = await engine.handleTaskResponse({
        authToken: token,
        taskId: str(args, 'task_id'),
        agentId: str(args, 'agent_id'),
        status: args.status as 'completed',
        ...defined({ result: args.result as never, error: args.error as never, attempt: args.attempt as number | undefined, fence: args.fence as string | undefined }),
      });
      return { structured: { task }, summary: `Task ${task.id} is now ${task.status}` };
    },
  },
  {
    name: 'register_agent_with_distributor',
    description: 'Register (or update) an agent with its capabilities, priority and capacity. An agent registered here receives its tasks through receive_tasks.',
    permissions: ['agents:register'],
    inputSchema: z.strictObject({
      agent_id: z.string(),
      capabilities: z.array(z.string()),
      priority: z.number().optional(),
      capacity: z.number().optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
      auth_token: authToken,
    }),
    outputSchema: z.object({ agent: AgentOutput }),
    run: async ({ engine, mailboxes, authToken: token }, args) => {
      const agent = await engine.registerAgentWithDistributor({
        authToken: token,
        agentId: str(args, 'agent_id'),
        capabilities: args.capabilities as string[],
        ...defined({ priority: args.priority as number | undefined, capacity: args.capacity as number | undefined, metadata: args.metadata as never }),
      });
      await mailboxes.open(agent.id);
      return { structured: { agent }, summary: `Agent ${agent.id} registered with [${agent.capabilities.join(', ')}]; call receive_tasks to get its tasks` };
    },
  },
  {
    name: 'unregister_agent_from_distributor',
    description: 'Remove an agent; tasks it still held fail with AGENT_UNREGISTERED.',
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
    description: "Report an agent's status (is_online, or status online/offline/draining) and optionally its current load.",
    permissions: ['agents:update'],
    inputSchema: z.strictObject({ agent_id: z.string(), is_online: z.boolean().optional(), status: z.string().optional(), current_load: z.number().optional(), auth_token: authToken }),
    outputSchema: z.object({ agent: AgentOutput }),
    run: async ({ engine, authToken: token }, args) => {
      const agent = await engine.updateAgentStatusInDistributor({
        authToken: token,
        agentId: str(args, 'agent_id'),
        ...defined({ isOnline: args.is_online as boolean | undefined, status: args.status as never, currentLoad: args.current_load as number | undefined }),
      });
      return { structured: { agent }, summary: `Agent ${agent.id} is ${agent.status}, load ${String(agent.load)}` };
    },
  },
  {
    name: 'get_task',
    description: "A task's current state, result or error.",
    permissions: reader,
    inputSchema: z.strictObject({ task_id: z.string(), auth_token: authToken }),
    outputSchema: z.object({ task: TaskOutput }),
    run: async ({ engine, authToken: token }, args) => {
      const task = await engine.getTask({ authToken: token, taskId: str(args, 'task_id') });
      return { structured: { task }, summary: `Task ${task.id} is ${task.status}${task.assignedAgentId === null ? '' : ` (agent ${task.assignedAgentId})`}` };
    },
  },
  {
    name: 'list_tasks',
    description: 'Tasks the orchestrator holds (unfinished ones and the most recently finished), oldest first or (order: newest) newest first, optionally only those with one status; up to limit (default 100, at most 10000).',
    permissions: reader,
    inputSchema: z.strictObject({ status: z.string().optional(), limit: z.number().optional(), order: z.string().optional(), auth_token: authToken }),
    outputSchema: z.object({ tasks: z.array(TaskOutput) }),
    run: async ({ engine, authToken: token }, args) => {
      const tasks = await engine.listTasks({ authToken: token, ...defined({ status: args.status as never, limit: args.limit as number | undefined, order: args.order as never }) });
      return {
        structured: { tasks },
        summary: tasks.length === 0 ? 'No tasks' : tasks.map((task) => `${task.id} ${task.type} ${task.status}${task.assignedAgentId === null ? '' : ` (agent ${task.assignedAgentId})`}`).join('\n'),
      };
    },
  },
  {
    name: 'list_agents',
    description: 'Every registered agent with capabilities, status, load, capacity, priority and outcome stats.',
    permissions: [...reader, 'agents:register', 'agents:update'],
    inputSchema: z.strictObject({ auth_token: authToken }),
    outputSchema: z.object({ agents: z.array(AgentOutput) }),
    run: async ({ engine, authToken: token }) => {
      const agents = await engine.listAgents({ authToken: token });
      return { structured: { agents }, summary: agents.length === 0 ? 'No agents registered' : agents.map((agent) => `${agent.id} [${agent.capabilities.join(', ')}] ${agent.status} ${String(agent.load)}/${agent.capacity === null ? '∞' : String(agent.capacity)}`).join('\n') };
    },
  },
  {
    name: 'get_queue_stats',
    description: 'Tasks waiting for a free agent or a retry: total, per priority, and the longest wait.',
    permissions: [...reader, 'agents:update'],
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
    description: 'For an agent registered through MCP: wait up to timeout_ms for tasks assigned to it (long poll), then answer each with handle_task_response.',
    permissions: ['tasks:respond'],
    inputSchema: z.strictObject({ agent_id: z.string(), timeout_ms: z.number().optional(), max_tasks: z.number().optional(), auth_token: authToken }),
    outputSchema: z.object({ tasks: z.array(z.looseObject({ taskId: z.string(), attempt: z.number(), fence: z.string(), taskType: z.string() })) }),
    run: async ({ authenticator, mailboxes, authToken: token }, args) => {
      const principal = await authenticator.authenticate(token);
      authorize(principal, 'tasks:respond');
      const agentId = str(args, 'agent_id');
      authorizeAgent(principal, agentId);
      const timeoutMs = (args.timeout_ms as number | undefined) ?? 30_000;
      const maxTasks = (args.max_tasks as number | undefined) ?? 10;
      const problems = [
        ...(Number.isInteger(timeoutMs) && timeoutMs >= 0 && timeoutMs <= 300_000 ? [] : [{ field: 'timeoutMs', message: 'must be a whole number of ms from 0 to 300000' }]),
        ...(Number.isInteger(maxTasks) && maxTasks >= 1 && maxTasks <= 1_000 ? [] : [{ field: 'maxTasks', message: 'must be a whole number from 1 to 1000' }]),
        ...(mailboxes.has(agentId) ? [] : [{ field: 'agentId', message: 'no agent with this id was registered through MCP' }]),
      ];
      if (problems.length > 0) throw new ValidationError(problems, 'receive_tasks arguments');
      const tasks = await mailboxes.take(agentId, maxTasks, timeoutMs);
      return { structured: { tasks }, summary: tasks.length === 0 ? `No task for ${agentId} within ${String(timeoutMs)} ms` : tasks.map((task) => `${task.taskId} (${task.taskType}, attempt ${String(task.attempt)}): ${JSON.stringify(task.data)}`).join('\n') };
    },
  },
];
