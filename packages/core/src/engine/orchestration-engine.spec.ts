import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../errors/authentication-error.js';
import { AuthorizationError } from '../errors/authorization-error.js';
import { CommunicationError } from '../errors/communication-error.js';
import { TaskExecutionError } from '../errors/task-execution-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { agentAddress, ORCHESTRATOR_ADDRESS } from '../models/addresses.js';
import type { Envelope } from '../models/envelope.js';
import { ADMIN_TOKEN, assignmentOf, createTestCore } from '../testing/create-test-core.test-helpers.js';
import type { TestCore } from '../testing/create-test-core.test-helpers.js';

const CLIENT_TOKEN = 'client-token';
const AGENT_TOKEN = 'agent-a-token';
const REGISTRAR_TOKEN = 'registrar-token';

function withRoles(): Promise<TestCore> {
  return createTestCore({}, {}, [
    { token: CLIENT_TOKEN, permissions: ['tasks:create', 'tasks:distribute'] },
    { token: AGENT_TOKEN, permissions: ['tasks:respond', 'agents:register', 'agents:update'], agentId: 'agent-a' },
    { token: REGISTRAR_TOKEN, permissions: ['agents:register'] },
  ]);
}

function state(core: TestCore) {
  return { agents: core.distributor.listAgents(), tasks: core.distributor.listTasks({ limit: 10_000 }), sent: core.transport.sent.length };
}

let envelopeCounter = 0;
function fromAgent(agentId: string, envelope: Pick<Envelope, 'kind' | 'payload'>, sender = agentAddress(agentId)): Envelope {
  envelopeCounter++;
  return { id: `env-${String(envelopeCounter)}`, from: sender, to: ORCHESTRATOR_ADDRESS, priority: 'normal', sentAt: Date.now(), ...envelope } as Envelope;
}

describe('OrchestrationEngine auth', () => {
  it('refuses a call without a token, or with an unknown one, and changes nothing', async () => {
    const core = await withRoles();
    const before = state(core);
    await expect(core.engine.registerAgentWithDistributor({ agentId: 'x', capabilities: ['work'] })).rejects.toBeInstanceOf(AuthenticationError);
    await expect(core.engine.registerAgentWithDistributor({ authToken: 'guess', agentId: 'x', capabilities: ['work'] })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(core.engine.createTask({ authToken: '', taskType: 't', requiredCapabilities: [] })).rejects.toBeInstanceOf(AuthenticationError);
    expect(state(core)).toEqual(before);
  });

  it('refuses a token without the needed permission and changes nothing', async () => {
    const core = await withRoles();
    const before = state(core);
    await expect(core.engine.createTask({ authToken: REGISTRAR_TOKEN, taskType: 't', requiredCapabilities: [] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(core.engine.registerAgentWithDistributor({ authToken: CLIENT_TOKEN, agentId: 'x', capabilities: ['work'] })).rejects.toBeInstanceOf(AuthorizationError);
    expect(state(core)).toEqual(before);
  });

  it('lets an agent-bound token act only as its own agent', async () => {
    const core = await withRoles();
    await core.engine.registerAgentWithDistributor({ authToken: AGENT_TOKEN, agentId: 'agent-a', capabilities: ['work'] });
    await expect(core.engine.registerAgentWithDistributor({ authToken: AGENT_TOKEN, agentId: 'agent-b', capabilities: ['work'] })).rejects.toMatchObject({ code: 'NOT_ASSIGNED_AGENT' });
    await core.engine.registerAgentWithDistributor({ authToken: ADMIN_TOKEN, agentId: 'agent-b', capabilities: ['work'] });
    await expect(core.engine.updateAgentStatusInDistributor({ authToken: AGENT_TOKEN, agentId: 'agent-b', isOnline: false })).rejects.toMatchObject({ code: 'NOT_ASSIGNED_AGENT' });
    await expect(core.engine.unregisterAgentFromDistributor({ authToken: AGENT_TOKEN, agentId: 'agent-b' })).rejects.toMatchObject({ code: 'NOT_ASSIGNED_AGENT' });
    expect(core.distributor.listAgents().map((agent) => [agent.id, agent.status])).toEqual([
      ['agent-a', 'online'],
      ['agent-b', 'online'],
    ]);
  });

  it('validates after authenticating, naming the bad fields', async () => {
    const core = await withRoles();
    const failure = await core.engine.createTask({ authToken: CLIENT_TOKEN, taskType: '', requiredCapabilities: ['ok'], bogus: 1 } as never).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).issues.map((issue) => issue.field).sort()).toEqual(['', 'taskType']);
    await expect(core.engine.createTask('nonsense' as never)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('OrchestrationEngine tasks', () => {
  it('creates a task, executes it, and resolves with the agent answer arriving over the transport', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    const task = await core.engine.createTask({ authToken: CLIENT_TOKEN, taskType: 'sum', requiredCapabilities: ['work'], taskData: [1, 2] });
    expect(task.status).toBe('pending');
    const execution = core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id });
    await assignmentOf(core, task.id);
    const [request] = core.transport.taskRequests();
    await core.transport.inject(fromAgent('agent-a', { kind: 'task_response', payload: { taskId: task.id, attempt: request!.payload.attempt, agentId: 'agent-a', status: 'completed', result: 3 } }));
    await expect(execution).resolves.toMatchObject({ taskId: task.id, agentId: 'agent-a', status: 'completed', result: 3, attempt: 1 });
    await expect(core.engine.getTask({ authToken: CLIENT_TOKEN, taskId: task.id })).resolves.toMatchObject({ status: 'completed', result: 3 });
  });

  it('rejects executeTask with TASK_FAILED carrying the agent error when the agent says it is permanent', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    const task = await core.engine.createTask({ authToken: CLIENT_TOKEN, taskType: 't', requiredCapabilities: ['work'] });
    const execution = core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id });
    await assignmentOf(core, task.id);
    await core.engine.handleTaskResponse({
      authToken: AGENT_TOKEN,
      taskId: task.id,
      agentId: 'agent-a',
      status: 'failed',
      error: { message: 'no disk', code: 'IO', permanent: true },
    });
    const failure = await execution.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskExecutionError);
    expect(failure).toMatchObject({ code: 'TASK_FAILED', details: { error: { message: 'no disk', code: 'IO', permanent: true } } });
  });

  it('rejects executeTask with TASK_TIMEOUT and keeps the task running for a later answer', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    const task = await core.engine.createTask({ authToken: CLIENT_TOKEN, taskType: 't', requiredCapabilities: ['work'] });
    await expect(core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id, timeoutMs: 20 })).rejects.toMatchObject({ code: 'TASK_TIMEOUT' });
    await core.engine.handleTaskResponse({ authToken: AGENT_TOKEN, taskId: task.id, agentId: 'agent-a', status: 'completed', result: 'late but fine' });
    await expect(core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id })).resolves.toMatchObject({ result: 'late but fine' });
  });

  it('leaves a task pending when no agent can take it, so executeTask can be retried', async () => {
    const core = await withRoles();
    const task = await core.engine.createTask({ authToken: CLIENT_TOKEN, taskType: 't', requiredCapabilities: ['work'] });
    await expect(core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id })).rejects.toMatchObject({ code: 'NO_CAPABLE_AGENT' });
    expect(core.distributor.getTask(task.id).status).toBe('pending');
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    const execution = core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id });
    await assignmentOf(core, task.id);
    core.distributor.handleTaskResponse({ taskId: task.id, agentId: 'agent-a', status: 'completed', result: 'ok' });
    await expect(execution).resolves.toMatchObject({ result: 'ok' });
  });

  it('rejects callers still waiting when the engine stops', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    const task = await core.engine.createTask({ authToken: CLIENT_TOKEN, taskType: 't', requiredCapabilities: ['work'] });
    const execution = core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id });
    await assignmentOf(core, task.id);
    await core.engine.stop();
    await expect(execution).rejects.toBeInstanceOf(CommunicationError);
  });
});

describe('OrchestrationEngine over the transport', () => {
  it('registers, updates and unregisters agents that speak for themselves, acknowledging each', async () => {
    const core = await withRoles();
    await core.transport.inject(fromAgent('remote', { kind: 'agent_register', payload: { agentId: 'remote', capabilities: ['work'], priority: 1 } }));
    await core.transport.inject(fromAgent('remote', { kind: 'agent_status', payload: { agentId: 'remote', status: 'draining', currentLoad: 2 } }));
    expect(core.distributor.getAgent('remote')).toMatchObject({ status: 'draining', load: 2, priority: 1 });
    await core.transport.inject(fromAgent('remote', { kind: 'agent_unregister', payload: { agentId: 'remote' } }));
    expect(core.distributor.listAgents()).toEqual([]);
    const acks = core.transport.sent.filter((envelope) => envelope.kind === 'ack');
    expect(acks.map((ack) => [ack.to, ack.payload])).toEqual([
      [agentAddress('remote'), { ok: true, heartbeatIntervalMs: 1_000 }],
      [agentAddress('remote'), { ok: true }],
      [agentAddress('remote'), { ok: true }],
    ]);
  });

  it('refuses an agent acting for another agent, and says why in the ack', async () => {
    const core = await withRoles();
    await core.transport.inject(fromAgent('victim', { kind: 'agent_register', payload: { agentId: 'victim', capabilities: ['work'] } }, agentAddress('impostor')));
    expect(core.distributor.listAgents()).toEqual([]);
    const [ack] = core.transport.sent;
    expect(ack).toMatchObject({ kind: 'ack', to: agentAddress('impostor'), payload: { ok: false, error: { code: 'NOT_ASSIGNED_AGENT' } } });
  });

  it('ignores an answer from an agent the task is not assigned to', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    await core.distributor.distributeTask({ taskId: 't1', taskType: 't', requiredCapabilities: ['work'], taskData: null, senderId: 's' });
    await core.transport.inject(fromAgent('agent-b', { kind: 'task_response', payload: { taskId: 't1', agentId: 'agent-b', status: 'completed', result: 'stolen' } }));
    await core.transport.inject(fromAgent('agent-b', { kind: 'task_response', payload: { taskId: 't1', agentId: 'agent-a', status: 'completed', result: 'forged' } }));
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'assigned', result: null });
  });
});
