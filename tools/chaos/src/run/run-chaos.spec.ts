import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAOS_SETTINGS, runChaos } from './run-chaos.js';

describe('the chaos run, small', () => {
  it('loses, strands, duplicates and rewrites nothing while an agent, an orchestrator (twice, once between journal write and send) and nats-server are SIGKILLed, a small agent is overfilled and handlers hang', async () => {
    const lines: string[] = [];
    // One nats-server (the cluster is the full run's: three more processes are too much for a loaded
    // 2-core test machine), each fault once, and a drain time that ends well before the test's
    // timeout, so a stuck task fails with the report.
    const settings = {
      ...DEFAULT_CHAOS_SETTINGS,
      tasks: 400,
      agentKills: 1,
      natsNodes: 1,
      natsKills: 1,
      hangUntilAborted: 1,
      hangForever: 1,
      seed: 20261126,
      drainTimeoutMs: 60_000,
    };
    const { report } = await runChaos(settings, (line) => lines.push(line), new AbortController().signal);
    const context = `${JSON.stringify(report, null, 2)}\n${lines.join('\n')}`;
    expect(report.details.chaos, context).toEqual({
      agentKills: 1,
      orchestratorKills: 1,
      crashesBeforeSend: 1,
      natsKills: 1,
    });
    expect(report.details.byKind.narrow.planned, context).toBe(16);
    expect(report.lost, context).toBe(0);
    expect(report.stuck, context).toBe(0);
    expect(report.duplicated, context).toBe(0);
    expect(report.finalRewrites, context).toBe(0);
    expect(report.completed, context).toBe(400);
  }, 150_000);
});
