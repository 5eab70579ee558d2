import type { FastAgentServerStats } from '@switchyard/fast-agent';
import { CALL_OUTCOMES } from '@switchyard/fast-agent';
import { describe, expect, it } from 'vitest';
import { FakeDistributionWatch } from './fake-distribution-watch.test-helpers.js';
import { parsePrometheusText, sampleSum } from './prometheus-text.test-helpers.js';
import { SwitchyardMetrics } from './switchyard-metrics.js';

function stats(server: string, overrides: Partial<FastAgentServerStats> = {}): FastAgentServerStats {
  const calls = Object.fromEntries(CALL_OUTCOMES.map((outcome) => [outcome, 0])) as FastAgentServerStats['calls'];
  return {
    server,
    up: true,
    circuit: 'closed',
    mode: 'sessions',
    sessionsOpen: 0,
    calls,
    answeredCount: 0,
    answeredSecondsSum: 0,
    downs: 0,
    ups: 1,
    ...overrides,
  };
}

describe('fast-agent metrics on /metrics', () => {
  it('shows each server: up, circuit, sessions, calls by outcome, latency and downs, as the bridge reports them at the scrape', async () => {
    let servers: FastAgentServerStats[] = [
      stats('fleet', {
        sessionsOpen: 8,
        calls: { ...stats('x').calls, ok: 40, timeout: 3, busy: 2 },
        answeredCount: 40,
        answeredSecondsSum: 2.5,
      }),
      stats('backup', { up: false, circuit: 'open', downs: 2 }),
    ];
    const metrics = new SwitchyardMetrics(new FakeDistributionWatch(), { fastAgentStats: () => servers });
    let samples = parsePrometheusText(await metrics.text());
    expect(sampleSum(samples, 'switchyard_fast_agent_server_up', { server: 'fleet' })).toBe(1);
    expect(sampleSum(samples, 'switchyard_fast_agent_server_up', { server: 'backup' })).toBe(0);
    expect(sampleSum(samples, 'switchyard_fast_agent_circuit_open', { server: 'backup' })).toBe(1);
    expect(sampleSum(samples, 'switchyard_fast_agent_sessions', { server: 'fleet' })).toBe(8);
    expect(sampleSum(samples, 'switchyard_fast_agent_calls_total', { server: 'fleet', outcome: 'ok' })).toBe(40);
    expect(sampleSum(samples, 'switchyard_fast_agent_calls_total', { server: 'fleet', outcome: 'timeout' })).toBe(3);
    expect(sampleSum(samples, 'switchyard_fast_agent_calls_total', { server: 'fleet', outcome: 'busy' })).toBe(2);
    expect(sampleSum(samples, 'switchyard_fast_agent_call_seconds_sum', { server: 'fleet' })).toBe(2.5);
    expect(sampleSum(samples, 'switchyard_fast_agent_call_seconds_count', { server: 'fleet' })).toBe(40);
    expect(sampleSum(samples, 'switchyard_fast_agent_server_downs_total', { server: 'backup' })).toBe(2);
    // A server gone from the config is gone from the next scrape.
    servers = [stats('fleet', { calls: { ...stats('x').calls, ok: 41 } })];
    samples = parsePrometheusText(await metrics.text());
    expect(sampleSum(samples, 'switchyard_fast_agent_calls_total', { server: 'fleet', outcome: 'ok' })).toBe(41);
    expect(samples.some((sample) => sample.labels.server === 'backup')).toBe(false);
    metrics.stop();
  });

  it('has no fast-agent series without a bridge', async () => {
    const metrics = new SwitchyardMetrics(new FakeDistributionWatch());
    expect(await metrics.text()).not.toContain('switchyard_fast_agent_');
    metrics.stop();
  });
});
