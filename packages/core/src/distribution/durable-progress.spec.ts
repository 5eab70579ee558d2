import 'reflect-metadata';
import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreModule } from '../di/create-core-module.js';
import { TOKENS } from '../di/tokens.js';
import { OrchestrationEngine } from '../engine/orchestration-engine.js';
import { ORCHESTRATOR_ADDRESS } from '../models/addresses.js';
import type { Envelope } from '../models/envelope.js';
import { RecordingTransport } from '../testing/recording-transport.test-helpers.js';
import { InMemoryJournalStore } from './in-memory-task-journal.js';
import { TaskDistributor } from './task-distributor.js';

type TaskRequest = Extract<Envelope, { kind: 'task_request' }>;

const X_SESSION = 'agent-x-session-0000001';
const running: OrchestrationEngine[] = [];

afterEach(async () => {
  for (const engine of running.splice(0)) await engine.stop().catch(() => undefined);
});

async function orchestrator(store: InMemoryJournalStore, orchestratorId: string) {
  const container = new Container();
  const transport = new RecordingTransport();
  container.load(createCoreModule({ tasks: { attemptTimeoutMs: 3_600_000 } }));
  container.bind(TOKENS.Transport).toConstantValue(transport);
  container.bind(TOKENS.TaskJournal).toConstantValue(store.journal(orchestratorId));
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  running.push(engine);
  const distributor = container.get(TaskDistributor);
  distributor.registerAgent({ agentId: 'x', capabilities: ['work'] }, true, { owner: 'spec', session: X_SESSION });
  return { engine, distributor, transport };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function progress(request: TaskRequest, message: string): Envelope {
  return {
    id: `progress-${message}`,
    kind: 'task_progress',
    from: 'agent.x',
    to: ORCHESTRATOR_ADDRESS,
    priority: 'normal',
    sentAt: Date.now(),
    payload: {
      taskId: request.payload.taskId,
      attempt: request.payload.attempt,
      fence: request.payload.fence,
      agentId: 'x',
      session: X_SESSION,
      message,
      fraction: 0.5,
    },
  };
}

describe('durable mode keeps a task’s last progress in the journal, not every report', () => {
  it('writes the first report at once and the latest of a burst once, and another orchestrator reads it', async () => {
    const store = new InMemoryJournalStore();
    const first = await orchestrator(store, 'orch-a');
    await first.distributor.distributeTask({
      taskId: 'long',
      taskType: 'test',
      requiredCapabilities: ['work'],
      taskData: null,
      senderId: 'spec',
    });
    await until(() => first.transport.taskRequests().length === 1, 'the hand-over');
    const request = first.transport.taskRequests()[0] as TaskRequest;
    const journaledProgress = () =>
      store.writesOf('long').flatMap((entry) => (entry.progress === undefined ? [] : [entry.progress.message]));
    for (const message of ['first', 'second', 'third', 'fourth'])
      await first.transport.inject(progress(request, message));
    // The first report is written at once; the burst after it waits for the interval, then its latest goes in.
    await until(() => journaledProgress().includes('fourth'), 'the trailing write');
    expect(journaledProgress()).toEqual(['first', 'fourth']);
    expect(first.distributor.getTask('long').progress).toMatchObject({ message: 'fourth', attempt: 1, agentId: 'x' });

    // Another orchestrator on the same journal (a restart, a failover) shows it.
    const second = await orchestrator(store, 'orch-b');
    // It hears reports for the task too (every orchestrator does): not its task, neither forwarded nor counted.
    const heardBySecond: string[] = [];
    second.engine.onTaskProgress((event) => heardBySecond.push(event.taskId));
    await second.transport.inject(progress(request, 'overheard'));
    expect(heardBySecond).toEqual([]);
    expect(second.engine.droppedProgressReports()).toEqual([]);
    expect((await second.distributor.readTask('long')).progress).toMatchObject({
      message: 'fourth',
      fraction: 0.5,
    });
  });
});
