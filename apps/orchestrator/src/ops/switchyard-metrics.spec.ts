import type { DistributionEvent } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import {
  agentSnapshot,
  FakeDistributionWatch,
  finishedEvent,
  taskView,
} from './fake-distribution-watch.test-helpers.js';
import { parsePrometheusText, sampleSum } from './prometheus-text.test-helpers.js';
import { SwitchyardMetrics } from './switchyard-metrics.js';

async function scrape(metrics: SwitchyardMetrics) {
  return parsePrometheusText(await metrics.text());
}

describe('SwitchyardMetrics', () => {
  it('counts outcomes by status and by the strategy that assigned the task, with decision and latency histograms', async () => {
    const watch = new FakeDistributionWatch();
    const metrics = new SwitchyardMetrics(watch);
    watch.emit({
      type: 'task_assigned',
      task: taskView('a', 'assigned', 0),
      agentId: 'writer-1',
      strategy: 'round_robin',
      attempt: 1,
      decisionMs: 0.002,
    });
    watch.emit({
      type: 'task_attempt_failed',
      task: taskView('a', 'queued', 0),
      agentId: 'writer-1',
      attempt: 1,
      error: { message: 'flaky' },
      retryInMs: 100,
    });
    watch.emit({ type: 'task_queued', task: taskView('a', 'queued', 0), reason: 'retry', queueDepth: 1 });
    watch.emit({
      type: 'task_assigned',
      task: taskView('a', 'assigned', 0),
      agentId: 'writer-2',
      strategy: 'round_robin',
      attempt: 2,
      decisionMs: 0.003,
    });
    watch.emit(finishedEvent('a', 'completed', 120, 1_000));
    watch.emit({ type: 'task_queued', task: taskView('b', 'queued', 0), reason: 'capacity', queueDepth: 1 });
    watch.emit(finishedEvent('b', 'dead_lettered', 9_000, 10_000));
    // Run by another orchestrator (durable mode): that one counts it.
    watch.emit({ ...finishedEvent('c', 'completed', 50, 10_000), elsewhere: true } as DistributionEvent);
    const samples = await scrape(metrics);
    expect(sampleSum(samples, 'switchyard_tasks_total', { status: 'completed', strategy: 'round_robin' })).toBe(1);
    expect(sampleSum(samples, 'switchyard_tasks_total', { status: 'completed' })).toBe(1);
    expect(sampleSum(samples, 'switchyard_tasks_total', { status: 'dead_lettered', strategy: 'none' })).toBe(1);
    expect(sampleSum(samples, 'switchyard_task_assignments_total', { strategy: 'round_robin' })).toBe(2);
    expect(sampleSum(samples, 'switchyard_task_attempt_failures_total')).toBe(1);
    expect(sampleSum(samples, 'switchyard_tasks_queued_total', { reason: 'retry' })).toBe(1);
    expect(sampleSum(samples, 'switchyard_tasks_queued_total', { reason: 'capacity' })).toBe(1);
    expect(sampleSum(samples, 'switchyard_decision_seconds_count', { strategy: 'round_robin' })).toBe(2);
    expect(sampleSum(samples, 'switchyard_decision_seconds_bucket', { strategy: 'round_robin', le: '0.000005' })).toBe(
      2,
    );
    expect(sampleSum(samples, 'switchyard_task_latency_seconds_bucket', { status: 'completed', le: '0.25' })).toBe(1);
    expect(sampleSum(samples, 'switchyard_task_latency_seconds_bucket', { status: 'completed', le: '0.1' })).toBe(0);
    expect(sampleSum(samples, 'switchyard_task_latency_seconds_sum', { status: 'dead_lettered' })).toBe(9);
    metrics.stop();
  });

  it('reads queue depth per priority, agents per status and per-agent load at each scrape, dropping agents that left', async () => {
    const watch = new FakeDistributionWatch();
    const metrics = new SwitchyardMetrics(watch);
    const first = await scrape(metrics);
    expect(sampleSum(first, 'switchyard_queue_depth', { priority: 'normal' })).toBe(2);
    expect(sampleSum(first, 'switchyard_queue_depth', { priority: 'high' })).toBe(1);
    expect(sampleSum(first, 'switchyard_queue_oldest_wait_seconds')).toBe(0.04);
    expect(
      first.filter((sample) => sample.name === 'switchyard_agents').map(({ labels, value }) => [labels.status, value]),
    ).toEqual([
      ['online', 1],
      ['offline', 0],
      ['draining', 1],
    ]);
    expect(sampleSum(first, 'switchyard_agent_load', { agent: 'writer-2' })).toBe(1);

    watch.agents = [agentSnapshot('writer-1', 'online', null)];
    const second = await scrape(metrics);
    expect(
      second.filter((sample) => sample.name === 'switchyard_agent_load').map((sample) => sample.labels.agent),
    ).toEqual(['writer-1']);
    expect(sampleSum(second, 'switchyard_agent_capacity', { agent: 'writer-1' })).toBe(Infinity);
    metrics.stop();
  });

  it('counts cancelled tasks and shows the stuck handlers each agent reports', async () => {
    const watch = new FakeDistributionWatch();
    const metrics = new SwitchyardMetrics(watch);
    watch.emit(finishedEvent('a', 'cancelled', 30, 1_000));
    watch.agents = [{ ...agentSnapshot('writer-1'), stuckTasks: 2 }, agentSnapshot('writer-2')];
    const samples = await scrape(metrics);
    expect(sampleSum(samples, 'switchyard_tasks_total', { status: 'cancelled' })).toBe(1);
    expect(sampleSum(samples, 'switchyard_agent_stuck_tasks', { agent: 'writer-1' })).toBe(2);
    expect(
      samples.filter((sample) => sample.name === 'switchyard_agent_stuck_tasks').map((sample) => sample.labels.agent),
    ).toEqual(['writer-1']);
    metrics.stop();
  });

  it('counts refused agent envelopes by kind and code, and shows the liveness loop lag', async () => {
    const watch = new FakeDistributionWatch();
    const refused = [{ kind: 'task_response', code: 'SESSION_INVALID', count: 3 }];
    const metrics = new SwitchyardMetrics(watch, {
      guard: {
        refusedAgentEnvelopes: () => refused,
        droppedProgressReports: () => [{ code: 'STALE_ATTEMPT', count: 2 }],
        recentLoopLagMs: 250,
      },
    });
    const samples = await scrape(metrics);
    expect(
      sampleSum(samples, 'switchyard_agent_envelopes_refused_total', {
        kind: 'task_response',
        code: 'SESSION_INVALID',
      }),
    ).toBe(3);
    expect(sampleSum(samples, 'switchyard_liveness_loop_lag_seconds')).toBe(0.25);
    expect(sampleSum(samples, 'switchyard_progress_reports_dropped_total', { code: 'STALE_ATTEMPT' })).toBe(2);
    refused.push({ kind: 'agent_register', code: 'AGENT_ID_IN_USE', count: 1 });
    expect(sampleSum(await scrape(metrics), 'switchyard_agent_envelopes_refused_total')).toBe(4);
    metrics.stop();
  });

  it("serves each strategy's own counters and gauges, by strategy and name", async () => {
    const samples = [
      { strategy: 'weighted', name: 'picks', kind: 'counter' as const, value: 7 },
      { strategy: 'weighted', name: 'total_weight', kind: 'gauge' as const, value: 120 },
    ];
    const metrics = new SwitchyardMetrics(new FakeDistributionWatch(), { strategyMetrics: () => samples });
    const scraped = await scrape(metrics);
    expect(sampleSum(scraped, 'switchyard_strategy_counter', { strategy: 'weighted', name: 'picks' })).toBe(7);
    expect(sampleSum(scraped, 'switchyard_strategy_gauge', { strategy: 'weighted', name: 'total_weight' })).toBe(120);
    metrics.stop();
  });
});
