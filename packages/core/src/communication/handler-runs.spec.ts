import { describe, expect, it } from 'vitest';
import type { SwitchyardError } from '../errors/switchyard-error.js';
import type { Envelope } from '../models/envelope.js';
import { HandlerRuns } from './handler-runs.js';

const envelope = {
  id: 'e1',
  kind: 'ack',
  from: 'orchestrator',
  to: 'agent.a',
  priority: 'normal',
  sentAt: 0,
  payload: { ok: true },
} as Envelope;

describe('HandlerRuns', () => {
  it('settles once every handler has, including one started while it waited', async () => {
    const reported: SwitchyardError[] = [];
    const runs = new HandlerRuns((error) => reported.push(error));
    await runs.settled();
    const finish: (() => void)[] = [];
    const pending = (): Promise<void> =>
      new Promise((resolve) => {
        finish.push(resolve);
      });
    runs.run(pending, envelope);
    let settled = false;
    void runs.settled().then(() => {
      settled = true;
    });
    runs.run(pending, envelope);
    finish[0]?.();
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    finish[1]?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled).toBe(true);
    expect(reported).toEqual([]);
  });

  it('reports a handler that throws or rejects, and still settles', async () => {
    const reported: SwitchyardError[] = [];
    const runs = new HandlerRuns((error) => reported.push(error));
    runs.run(() => {
      throw new Error('sync');
    }, envelope);
    runs.run(() => Promise.reject(new Error('async')), envelope);
    runs.run(() => undefined, envelope);
    await runs.settled();
    expect(reported.map((error) => [error.code, error.message])).toEqual([
      ['DELIVERY_FAILED', 'A handler failed: sync'],
      ['DELIVERY_FAILED', 'A handler failed: async'],
    ]);
  });
});
