import type { TaskProgressUpdate } from '@switchyard/core';
import { ValidationError } from '@switchyard/core';
import type { EnvelopeOf } from '@switchyard/core/internal';
import type { AgentTask } from './agent-task.js';
import { taskRequestEnvelope } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProgressOutlet } from './task-run.js';
import { TaskRun } from './task-run.js';

const INTERVAL_MS = 100;

/** The task a handler here is given: these handlers never read it, only their context. */
function taskOf(request: EnvelopeOf<'task_request'>): AgentTask {
  const { payload } = request;
  return { id: payload.taskId, attempt: payload.attempt } as AgentTask;
}

describe('TaskRun.progress: coalesced, flushed before the answer, checked', () => {
  let sent: TaskProgressUpdate[];
  let run: TaskRun;
  let outlet: ProgressOutlet;
  let request: EnvelopeOf<'task_request'>;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    outlet = {
      progressIntervalMs: INTERVAL_MS,
      sendProgress: (_request, update) => {
        sent.push(update);
      },
    };
    request = taskRequestEnvelope('orchestrator', 'agent.a', 1) as EnvelopeOf<'task_request'>;
    run = new TaskRun('a', request.payload.taskId, 1);
    // As the agent starts a handler: the run learns its request and outlet, the handler keeps the context.
    void run.runHandler(() => new Promise<undefined>(() => undefined), taskOf(request), request, outlet);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first report at once, then at most one per interval, the latest of those in between', () => {
    run.progress({ message: 'one', fraction: 0.1 });
    expect(sent).toEqual([{ message: 'one', fraction: 0.1 }]);
    run.progress({ message: 'two' });
    run.progress({ message: 'three', partial: { rows: 3 } });
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(sent).toEqual([
      { message: 'one', fraction: 0.1 },
      { message: 'three', partial: { rows: 3 } },
    ]);
    // Nothing pending: the interval passing sends nothing more.
    vi.advanceTimersByTime(INTERVAL_MS * 5);
    expect(sent).toHaveLength(2);
  });

  it('sends the pending report when the answer goes out, and none after it', () => {
    run.progress({ fraction: 0.2 });
    run.progress({ fraction: 0.9 });
    expect(sent).toEqual([{ fraction: 0.2 }]);
    run.closeProgress();
    expect(sent).toEqual([{ fraction: 0.2 }, { fraction: 0.9 }]);
    run.progress({ fraction: 1 });
    vi.advanceTimersByTime(INTERVAL_MS * 2);
    expect(sent).toHaveLength(2);
  });

  it('a synchronous handler’s last report goes out as it returns (or throws), before the agent answers', () => {
    const synchronous = new TaskRun('a', request.payload.taskId, 1);
    void synchronous.runHandler(
      (_task, context) => {
        context.progress({ message: 'first' });
        context.progress({ message: 'last' });
        return 'done';
      },
      taskOf(request),
      request,
      outlet,
    );
    expect(sent).toEqual([{ message: 'first' }, { message: 'last' }]);
    const throwing = new TaskRun('a', request.payload.taskId, 1);
    expect(() =>
      throwing.runHandler(
        (_task, context) => {
          context.progress({ message: 'before the throw' });
          context.progress({ message: 'pending at the throw' });
          throw new Error('handler failed');
        },
        taskOf(request),
        request,
        outlet,
      ),
    ).toThrow('handler failed');
    expect(sent.slice(2)).toEqual([{ message: 'before the throw' }, { message: 'pending at the throw' }]);
  });

  it('drops what is pending and everything later once the attempt is cancelled', () => {
    run.progress({ message: 'started' });
    run.progress({ message: 'pending' });
    run.abort(new Error('TASK_CANCELLED'), true);
    run.progress({ message: 'after the cancel' });
    vi.advanceTimersByTime(INTERVAL_MS * 2);
    run.closeProgress();
    expect(sent).toEqual([{ message: 'started' }]);
  });

  it('keeps reporting while the agent stops (the answer still goes out), flushing before it', () => {
    run.progress({ message: 'a' });
    run.progress({ message: 'b' });
    run.abort(new Error('agent stopped'), false);
    run.closeProgress();
    expect(sent).toEqual([{ message: 'a' }, { message: 'b' }]);
  });

  it.each([
    ['fraction', { fraction: 1.5 }],
    ['fraction', { fraction: -0.1 }],
    ['fraction', { fraction: Number.NaN }],
    ['message', { message: 'x'.repeat(2_001) }],
    ['message', { message: 42 }],
    ['partial', { partial: { big: 'y'.repeat(70_000) } }],
    ['partial', { partial: { when: new Date(0) } }],
    ['unexpected', { message: 'ok', unexpected: true }],
  ])('refuses a bad %s with a ValidationError naming it, and sends nothing', (field, update) => {
    let thrown: unknown;
    try {
      run.progress(update as TaskProgressUpdate);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    // An unknown key is named in the issue's message (zod reports it at the root).
    const named = (thrown as ValidationError).issues.map((issue) => `${issue.field} ${issue.message}`).join('; ');
    expect(named).toContain(field);
    expect(sent).toEqual([]);
  });

  it('refuses an update with nothing to report', () => {
    expect(() => {
      run.progress({});
    }).toThrow(ValidationError);
    expect(sent).toEqual([]);
  });
});
