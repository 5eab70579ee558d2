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
  return {
    agents: core.distributor.listAgents(),
    tasks: core.distributor.listTasks({ limit: 10_000 }),
    sent: core.transport.sent.length,
  };
}

let envelopeCounter = 0;
function fromAgent(
  agentId: string,
  envelope: Pick<Envelope, 'kind' | 'payload'>,
  sender = agentAddress(agentId),
): Envelope {
  envelopeCounter++;
  return {
    id: `env-${String(envelopeCounter)}`,
    from: sender,
    to: ORCHESTRATOR_ADDRESS,
    priority: 'normal',
    sentAt: Date.now(),
    ...envelope,
  } as Envelope;
}

const sessions = new WeakMap<TestCore, Map<string, string>>();

/** Registers an agent the way one on the wire does, and returns the session its ack grants. */
async function registerOver(
  core: TestCore,
  payload: { agentId: string; capabilities: string[]; priority?: number },
): Promise<string> {
  const register = fromAgent(payload.agentId, { kind: 'agent_register', payload });
  await core.transport.inject(register);
  const ack = core.transport.sent.find((envelope) => envelope.kind === 'ack' && envelope.correlationId === register.id);
  const session = ack?.kind === 'ack' && ack.payload.ok ? ack.payload.session : undefined;
  if (session === undefined)
    throw new Error(`registration of ${payload.agentId} refused: ${JSON.stringify(ack?.payload)}`);
  const known = sessions.get(core) ?? new Map<string, string>();
  known.set(payload.agentId, session);
  sessions.set(core, known);
  return session;
}

describe('OrchestrationEngine auth', () => {
  it('refuses a call without a token, or with an unknown one, and changes nothing', async () => {
    const core = await withRoles();
    const before = state(core);
    await expect(
      core.engine.registerAgentWithDistributor({ agentId: 'x', capabilities: ['work'] }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    await expect(
      core.engine.registerAgentWithDistributor({ authToken: 'guess', agentId: 'x', capabilities: ['work'] }),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(
      core.engine.createTask({ authToken: '', taskType: 't', requiredCapabilities: [] }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    expect(state(core)).toEqual(before);
  });

  it('refuses a token without the needed permission and changes nothing', async () => {
    const core = await withRoles();
    const before = state(core);
    await expect(
      core.engine.createTask({ authToken: REGISTRAR_TOKEN, taskType: 't', requiredCapabilities: [] }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      core.engine.registerAgentWithDistributor({ authToken: CLIENT_TOKEN, agentId: 'x', capabilities: ['work'] }),
    ).rejects.toBeInstanceOf(AuthorizationError);
    expect(state(core)).toEqual(before);
  });

  it('lets an agent-bound token act only as its own agent', async () => {
    const core = await withRoles();
    await core.engine.registerAgentWithDistributor({
      authToken: AGENT_TOKEN,
      agentId: 'agent-a',
      capabilities: ['work'],
    });
    await expect(
      core.engine.registerAgentWithDistributor({ authToken: AGENT_TOKEN, agentId: 'agent-b', capabilities: ['work'] }),
    ).rejects.toMatchObject({ code: 'NOT_ASSIGNED_AGENT' });
    await core.engine.registerAgentWithDistributor({
      authToken: ADMIN_TOKEN,
      agentId: 'agent-b',
      capabilities: ['work'],
    });
    await expect(
      core.engine.updateAgentStatusInDistributor({ authToken: AGENT_TOKEN, agentId: 'agent-b', isOnline: false }),
    ).rejects.toMatchObject({ code: 'NOT_ASSIGNED_AGENT' });
    await expect(
      core.engine.unregisterAgentFromDistributor({ authToken: AGENT_TOKEN, agentId: 'agent-b' }),
    ).rejects.toMatchObject({ code: 'NOT_ASSIGNED_AGENT' });
    expect(core.distributor.listAgents().map((agent) => [agent.id, agent.status])).toEqual([
      ['agent-a', 'online'],
      ['agent-b', 'online'],
    ]);
  });

  it('validates after authenticating, naming the bad fields', async () => {
    const core = await withRoles();
    const failure = await core.engine
      .createTask({ authToken: CLIENT_TOKEN, taskType: '', requiredCapabilities: ['ok'], bogus: 1 } as never)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as ValidationError).issues.map((issue) => issue.field).sort()).toEqual(['', 'taskType']);
    await expect(core.engine.createTask('nonsense' as never)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('OrchestrationEngine tasks', () => {
  it('creates a task, executes it, and resolves with the agent answer arriving over the transport', async () => {
    const core = await withRoles();
    const session = await registerOver(core, { agentId: 'agent-a', capabilities: ['work'] });
    const task = await core.engine.createTask({
      authToken: CLIENT_TOKEN,
      taskType: 'sum',
      requiredCapabilities: ['work'],
      taskData: [1, 2],
    });
    expect(task.status).toBe('pending');
    const execution = core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id });
    await assignmentOf(core, task.id);
    const [request] = core.transport.taskRequests();
    await core.transport.inject(
      fromAgent('agent-a', {
        kind: 'task_response',
        payload: {
          taskId: task.id,
          attempt: request!.payload.attempt,
          agentId: 'agent-a',
          status: 'completed',
          result: 3,
          session,
        },
      }),
    );
    await expect(execution).resolves.toMatchObject({
      taskId: task.id,
      agentId: 'agent-a',
      status: 'completed',
      result: 3,
      attempt: 1,
    });
    await expect(core.engine.getTask({ authToken: CLIENT_TOKEN, taskId: task.id })).resolves.toMatchObject({
      status: 'completed',
      result: 3,
    });
  });

  it('rejects executeTask with TASK_FAILED carrying the agent error when the agent says it is permanent', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    const task = await core.engine.createTask({
      authToken: CLIENT_TOKEN,
      taskType: 't',
      requiredCapabilities: ['work'],
    });
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
    expect(failure).toMatchObject({
      code: 'TASK_FAILED',
      details: { error: { message: 'no disk', code: 'IO', permanent: true } },
    });
  });

  it('rejects executeTask with TASK_TIMEOUT and keeps the task running for a later answer', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    const task = await core.engine.createTask({
      authToken: CLIENT_TOKEN,
      taskType: 't',
      requiredCapabilities: ['work'],
    });
    await expect(
      core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id, timeoutMs: 20 }),
    ).rejects.toMatchObject({ code: 'TASK_TIMEOUT' });
    await core.engine.handleTaskResponse({
      authToken: AGENT_TOKEN,
      taskId: task.id,
      agentId: 'agent-a',
      status: 'completed',
      result: 'late but fine',
    });
    await expect(core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id })).resolves.toMatchObject({
      result: 'late but fine',
    });
  });

  it('keeps nothing of a task refused with NO_CAPABLE_AGENT: the caller submits it again', async () => {
    const core = await withRoles();
    const refused = await core.engine.createTask({
      authToken: CLIENT_TOKEN,
      taskType: 't',
      requiredCapabilities: ['work'],
    });
    await expect(core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: refused.id })).rejects.toMatchObject({
      code: 'NO_CAPABLE_AGENT',
    });
    expect(() => core.distributor.getTask(refused.id)).toThrow(expect.objectContaining({ code: 'TASK_NOT_FOUND' }));
    expect(core.distributor.listTasks()).toEqual([]);
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    const task = await core.engine.createTask({
      authToken: CLIENT_TOKEN,
      taskId: refused.id,
      taskType: 't',
      requiredCapabilities: ['work'],
    });
    const execution = core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id });
    await assignmentOf(core, task.id);
    core.distributor.handleTaskResponse({ taskId: task.id, agentId: 'agent-a', status: 'completed', result: 'ok' });
    await expect(execution).resolves.toMatchObject({ result: 'ok' });
  });

  it('rejects callers still waiting when the engine stops', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    const task = await core.engine.createTask({
      authToken: CLIENT_TOKEN,
      taskType: 't',
      requiredCapabilities: ['work'],
    });
    const execution = core.engine.executeTask({ authToken: CLIENT_TOKEN, taskId: task.id });
    await assignmentOf(core, task.id);
    await core.engine.stop();
    await expect(execution).rejects.toBeInstanceOf(CommunicationError);
  });
});

describe('OrchestrationEngine runTask', () => {
  const work = (taskId: string, extra: Record<string, unknown> = {}) => ({
    authToken: CLIENT_TOKEN,
    taskId,
    taskType: 'sum',
    requiredCapabilities: ['work'],
    taskData: [1, 2],
    senderId: 'client',
    ...extra,
  });

  async function answerOver(
    core: TestCore,
    taskId: string,
    outcome: { result: number } | { error: { message: string; permanent: boolean } },
  ): Promise<void> {
    await assignmentOf(core, taskId);
    const request = core.transport.taskRequests().find((each) => each.payload.taskId === taskId);
    const status = 'result' in outcome ? 'completed' : 'failed';
    await core.transport.inject(
      fromAgent('agent-a', {
        kind: 'task_response',
        payload: {
          taskId,
          attempt: request?.payload.attempt,
          agentId: 'agent-a',
          status,
          ...outcome,
          session: sessions.get(core)?.get('agent-a'),
        },
      }),
    );
  }

  it('hands a new task over and resolves with the answer, in one call', async () => {
    const core = await withRoles();
    await registerOver(core, { agentId: 'agent-a', capabilities: ['work'] });
    const run = core.engine.runTask(work('r1'));
    await answerOver(core, 'r1', { result: 3 });
    await expect(run).resolves.toMatchObject({
      taskId: 'r1',
      agentId: 'agent-a',
      status: 'completed',
      result: 3,
      attempt: 1,
    });
    expect(core.distributor.getTask('r1')).toMatchObject({ status: 'completed', senderId: 'client' });
  });

  it('sends the task to another agent when nobody listens at the chosen one, which goes offline', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-gone', capabilities: ['work'], priority: 9 });
    await registerOver(core, { agentId: 'agent-a', capabilities: ['work'] });
    core.transport.unreachable.add(agentAddress('agent-gone'));
    const run = core.engine.runTask(work('r0'));
    // The first token check is asynchronous: the task appears a moment later.
    while (core.distributor.listTasks().find((task) => task.id === 'r0')?.assignedAgentId !== 'agent-a')
      await new Promise((resolve) => setTimeout(resolve, 1));
    await answerOver(core, 'r0', { result: 7 });
    await expect(run).resolves.toMatchObject({ agentId: 'agent-a', result: 7, attempt: 2 });
    expect(core.distributor.getAgent('agent-gone')).toMatchObject({ status: 'offline', load: 0 });
    expect(core.distributor.getTask('r0').history).toMatchObject([
      { agentId: 'agent-gone', outcome: 'agent_lost', error: { code: 'UNKNOWN_ADDRESS' } },
      { agentId: 'agent-a', outcome: 'completed' },
    ]);
  });

  it('rejects with TASK_FAILED when the agent fails the task for good', async () => {
    const core = await withRoles();
    await registerOver(core, { agentId: 'agent-a', capabilities: ['work'] });
    const run = core.engine.runTask(work('r2'));
    await answerOver(core, 'r2', { error: { message: 'no disk', permanent: true } });
    await expect(run).rejects.toMatchObject({
      code: 'TASK_FAILED',
      details: { taskId: 'r2', error: { message: 'no disk' } },
    });
  });

  it('rejects with TASK_TIMEOUT after timeoutMs and leaves the task running', async () => {
    const core = await withRoles();
    await registerOver(core, { agentId: 'agent-a', capabilities: ['work'] });
    await expect(core.engine.runTask(work('r3', { timeoutMs: 20 }))).rejects.toMatchObject({
      code: 'TASK_TIMEOUT',
      details: { taskId: 'r3', timeoutMs: 20 },
    });
    expect(core.distributor.getTask('r3').status).toBe('assigned');
  });

  it('refuses bad input naming the field, an unknown token, a missing permission, and keeps nothing', async () => {
    const core = await withRoles();
    await registerOver(core, { agentId: 'agent-a', capabilities: ['work'] });
    const before = state(core);
    for (const timeoutMs of [0, -5, 1.5, 86_400_001, '10']) {
      const failure = await core.engine.runTask(work('bad', { timeoutMs }) as never).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ValidationError);
      expect((failure as ValidationError).issues.map((issue) => issue.field)).toEqual(['timeoutMs']);
    }
    const missing = await core.engine
      .runTask({ ...work('bad'), requiredCapabilities: undefined } as never)
      .catch((error: unknown) => error);
    expect((missing as ValidationError).issues.map((issue) => issue.field)).toEqual(['requiredCapabilities']);
    await expect(core.engine.runTask({ ...work('bad'), authToken: 'guess' })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    await expect(core.engine.runTask({ ...work('bad'), authToken: REGISTRAR_TOKEN })).rejects.toBeInstanceOf(
      AuthorizationError,
    );
    await expect(core.engine.runTask('nonsense' as never)).rejects.toBeInstanceOf(ValidationError);
    expect(state(core)).toEqual(before);
  });

  it('refuses a task nobody can run, and an id in use without waiting on the other task', async () => {
    const core = await withRoles();
    await expect(core.engine.runTask({ ...work('r4'), requiredCapabilities: ['gpu'] })).rejects.toMatchObject({
      code: 'NO_CAPABLE_AGENT',
    });
    expect(core.distributor.listTasks()).toEqual([]);
    await registerOver(core, { agentId: 'agent-a', capabilities: ['work'] });
    const first = core.engine.runTask(work('r5'));
    await expect(core.engine.runTask(work('r5'))).rejects.toMatchObject({ code: 'TASK_ALREADY_EXISTS' });
    await answerOver(core, 'r5', { result: 5 });
    await expect(first).resolves.toMatchObject({ result: 5 });
  });

  it('rejects callers still waiting when the engine stops, and forgets a caller that timed out', async () => {
    const core = await withRoles();
    await registerOver(core, { agentId: 'agent-a', capabilities: ['work'] });
    await expect(core.engine.runTask(work('gave-up', { timeoutMs: 10 }))).rejects.toMatchObject({
      code: 'TASK_TIMEOUT',
    });
    // The late answer finds nobody waiting, and must not throw or resolve anything.
    await answerOver(core, 'gave-up', { result: 1 });
    expect(core.distributor.getTask('gave-up').status).toBe('completed');
    const waiting = core.engine.runTask(work('cut-off'));
    await assignmentOf(core, 'cut-off');
    await core.engine.stop();
    await expect(waiting).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });

  it('is answered the same whether the token was verified before or not', async () => {
    const core = await withRoles();
    await registerOver(core, { agentId: 'agent-a', capabilities: ['work'] });
    // The first call verifies the token; the second finds it remembered (the synchronous path).
    const runs = [core.engine.runTask(work('r6')), core.engine.runTask(work('r7'))];
    await answerOver(core, 'r6', { result: 6 });
    await answerOver(core, 'r7', { result: 7 });
    await expect(Promise.all(runs)).resolves.toMatchObject([{ result: 6 }, { result: 7 }]);
  });
});

describe('OrchestrationEngine over the transport', () => {
  it('registers, updates and unregisters agents that speak for themselves, acknowledging each', async () => {
    const core = await withRoles();
    const session = await registerOver(core, { agentId: 'remote', capabilities: ['work'], priority: 1 });
    expect(session).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await core.transport.inject(
      fromAgent('remote', {
        kind: 'agent_status',
        payload: { agentId: 'remote', status: 'draining', currentLoad: 2, session },
      }),
    );
    expect(core.distributor.getAgent('remote')).toMatchObject({ status: 'draining', load: 2, priority: 1 });
    await core.transport.inject(
      fromAgent('remote', { kind: 'agent_unregister', payload: { agentId: 'remote', session } }),
    );
    expect(core.distributor.listAgents()).toEqual([]);
    const acks = core.transport.sent.filter((envelope) => envelope.kind === 'ack');
    expect(acks.map((ack) => [ack.to, ack.payload])).toEqual([
      [agentAddress('remote'), { ok: true, heartbeatIntervalMs: 1_000, session }],
      [agentAddress('remote'), { ok: true }],
      [agentAddress('remote'), { ok: true }],
    ]);
  });

  it('refuses an agent acting for another agent, and says why in the ack', async () => {
    const core = await withRoles();
    await core.transport.inject(
      fromAgent(
        'victim',
        { kind: 'agent_register', payload: { agentId: 'victim', capabilities: ['work'] } },
        agentAddress('impostor'),
      ),
    );
    expect(core.distributor.listAgents()).toEqual([]);
    const [ack] = core.transport.sent;
    expect(ack).toMatchObject({
      kind: 'ack',
      to: agentAddress('impostor'),
      payload: { ok: false, error: { code: 'NOT_ASSIGNED_AGENT' } },
    });
  });

  it('ignores an answer from an agent the task is not assigned to', async () => {
    const core = await withRoles();
    core.distributor.registerAgent({ agentId: 'agent-a', capabilities: ['work'] });
    await core.distributor.distributeTask({
      taskId: 't1',
      taskType: 't',
      requiredCapabilities: ['work'],
      taskData: null,
      senderId: 's',
    });
    await core.transport.inject(
      fromAgent('agent-b', {
        kind: 'task_response',
        payload: { taskId: 't1', agentId: 'agent-b', status: 'completed', result: 'stolen' },
      }),
    );
    await core.transport.inject(
      fromAgent('agent-b', {
        kind: 'task_response',
        payload: { taskId: 't1', agentId: 'agent-a', status: 'completed', result: 'forged' },
      }),
    );
    expect(core.distributor.getTask('t1')).toMatchObject({ status: 'assigned', result: null });
  });
});
