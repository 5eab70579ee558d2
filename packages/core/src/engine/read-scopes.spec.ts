import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestCore } from '../testing/create-test-core.test-helpers.js';

const TASK_READER = 'task-reader';
const AGENT_READER = 'agent-reader';
const AGENT_A = 'agent-a-token';
const WATCHER = 'watcher';

async function coreWithTasks() {
  const core = await createTestCore({}, {}, [
    { token: TASK_READER, permissions: ['tasks:read'] },
    { token: AGENT_READER, permissions: ['agents:read'] },
    { token: AGENT_A, permissions: ['tasks:respond', 'agents:register'], agentId: 'agent-a' },
    { token: WATCHER, permissions: ['ops:read'] },
  ]);
  await core.engine.registerAgentWithDistributor({ authToken: ADMIN_TOKEN, agentId: 'agent-a', capabilities: ['a'] });
  await core.engine.registerAgentWithDistributor({ authToken: ADMIN_TOKEN, agentId: 'agent-b', capabilities: ['b'] });
  await core.engine.distributeTask({
    authToken: ADMIN_TOKEN,
    taskId: 'for-a',
    taskType: 't',
    requiredCapabilities: ['a'],
    senderId: 'spec',
  });
  await core.engine.distributeTask({
    authToken: ADMIN_TOKEN,
    taskId: 'for-b',
    taskType: 't',
    requiredCapabilities: ['b'],
    senderId: 'spec',
  });
  return core;
}

describe('read permissions', () => {
  it('tasks:read reads every task but not the agents; agents:read reads agents and the queue but no task', async () => {
    const core = await coreWithTasks();
    expect((await core.engine.listTasks({ authToken: TASK_READER })).map((task) => task.id)).toEqual([
      'for-a',
      'for-b',
    ]);
    await expect(core.engine.getTask({ authToken: TASK_READER, taskId: 'for-b' })).resolves.toMatchObject({
      id: 'for-b',
    });
    await expect(core.engine.listAgents({ authToken: TASK_READER })).resolves.toHaveLength(2);
    await expect(core.engine.listAgents({ authToken: AGENT_READER })).resolves.toHaveLength(2);
    await expect(core.engine.queueStats({ authToken: AGENT_READER })).resolves.toMatchObject({ depth: 0 });
    await expect(core.engine.getTask({ authToken: AGENT_READER, taskId: 'for-a' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(core.engine.listTasks({ authToken: AGENT_READER })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      core.engine.createTask({ authToken: TASK_READER, taskType: 't', requiredCapabilities: [] }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('ops:read reads tasks, agents and the queue, and acts on nothing', async () => {
    const core = await coreWithTasks();
    await expect(core.engine.listTasks({ authToken: WATCHER })).resolves.toHaveLength(2);
    await expect(core.engine.getTask({ authToken: WATCHER, taskId: 'for-b' })).resolves.toMatchObject({ id: 'for-b' });
    await expect(core.engine.listAgents({ authToken: WATCHER })).resolves.toHaveLength(2);
    await expect(core.engine.queueStats({ authToken: WATCHER })).resolves.toMatchObject({ depth: 0 });
    await expect(
      core.engine.createTask({ authToken: WATCHER, taskType: 't', requiredCapabilities: [] }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      core.engine.updateAgentStatusInDistributor({ authToken: WATCHER, agentId: 'agent-a', status: 'draining' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a token bound to an agent reads only the tasks assigned to that agent', async () => {
    const core = await coreWithTasks();
    expect((await core.engine.listTasks({ authToken: AGENT_A })).map((task) => task.id)).toEqual(['for-a']);
    await expect(core.engine.getTask({ authToken: AGENT_A, taskId: 'for-a' })).resolves.toMatchObject({
      id: 'for-a',
      assignedAgentId: 'agent-a',
    });
    await expect(core.engine.getTask({ authToken: AGENT_A, taskId: 'for-b' })).rejects.toMatchObject({
      code: 'TASK_NOT_FOUND',
    });
  });

  it('pages the task list: after resumes past the last id of the previous page', async () => {
    const core = await coreWithTasks();
    await core.engine.createTask({
      authToken: ADMIN_TOKEN,
      taskId: 'third',
      taskType: 't',
      requiredCapabilities: ['a'],
    });
    const first = await core.engine.listTasks({ authToken: ADMIN_TOKEN, limit: 2 });
    expect(first.map((task) => task.id)).toEqual(['for-a', 'for-b']);
    expect(
      (await core.engine.listTasks({ authToken: ADMIN_TOKEN, limit: 2, after: 'for-b' })).map((task) => task.id),
    ).toEqual(['third']);
    expect(
      (await core.engine.listTasks({ authToken: ADMIN_TOKEN, order: 'newest', after: 'third' })).map((task) => task.id),
    ).toEqual(['for-b', 'for-a']);
  });
});
