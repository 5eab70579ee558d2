import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAOS_SETTINGS, runChaos } from './run-chaos.js';

describe('the chaos run, small', () => {
  it('loses and duplicates nothing while an agent, an orchestrator and nats-server die and come back', async () => {
    const lines: string[] = [];
    // A drain time that ends well before the test's timeout, so a stuck task fails with the report.
    const settings = { ...DEFAULT_CHAOS_SETTINGS, tasks: 400, agentKills: 1, seed: 20261126, drainTimeoutMs: 45_000 };
    const { report } = await runChaos(settings, (line) => lines.push(line), new AbortController().signal);
    const context = `${JSON.stringify(report, null, 2)}\n${lines.join('\n')}`;
    expect(report.details.chaos, context).toEqual({ agentKills: 1, orchestratorRestarts: 1, natsRestarts: 1 });
    expect(report.lost, context).toBe(0);
    expect(report.duplicated, context).toBe(0);
    expect(report.completed, context).toBe(400);
  }, 110_000);
});
