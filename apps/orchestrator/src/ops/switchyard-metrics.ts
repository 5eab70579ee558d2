import type { DistributionEvent } from '@switchyard/core';
import type { StrategyMetricSample } from '@switchyard/core/internal';
import { AgentStatusSchema, MessagePrioritySchema } from '@switchyard/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastAgentServerStats } from '@switchyard/fast-agent';
import type { DistributionWatch } from './distribution-watch.js';
import { registerFastAgentMetrics } from './fast-agent-metrics.js';

/** What the engine knows about agents' envelopes and its own event loop (OrchestrationEngine). */
export interface AgentGuardWatch {
  refusedAgentEnvelopes(): readonly { readonly kind: string; readonly code: string; readonly count: number }[];
  /** Progress reports dropped: not from the holder of the attempt, or for a task not running. */
  droppedProgressReports(): readonly { readonly code: string; readonly count: number }[];
  readonly recentLoopLagMs: number;
}

/** Optional sources beyond the distributor: the engine's agent guard, the fast-agent bridge's servers. */
export interface SwitchyardMetricsSources {
  readonly guard?: AgentGuardWatch;
  readonly fastAgentStats?: () => readonly FastAgentServerStats[];
  /** What strategies count through services.metrics (StrategyRegistry.metrics). */
  readonly strategyMetrics?: () => readonly StrategyMetricSample[];
}

/** Strategy label of a task that finished without ever being assigned (refused, or dead-lettered from the queue). */
const UNASSIGNED = 'none';

/**
 * Switchyard's Prometheus metrics: counters and histograms fed by the distributor's events as
 * they happen, gauges (queue, agents, per-agent load) read from it at each scrape, plus Node's
 * default process metrics. One registry per orchestrator, so several can live in one process.
 */
export class SwitchyardMetrics {
  readonly registry = new Registry();
  /** The strategy that assigned each unfinished task, for the label of its outcome. */
  private readonly strategyOf = new Map<string, string>();
  private readonly tasks: Counter<'status' | 'strategy'>;
  private readonly assignments: Counter<'strategy'>;
  private readonly retries: Counter;
  private readonly queued: Counter<'reason'>;
  private readonly decision: Histogram<'strategy'>;
  private readonly latency: Histogram<'status'>;
  private readonly unsubscribe: () => void;

  constructor(watch: DistributionWatch, sources: SwitchyardMetricsSources = {}) {
    const { guard, fastAgentStats, strategyMetrics } = sources;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    if (fastAgentStats !== undefined) registerFastAgentMetrics(this.registry, fastAgentStats);
    if (guard !== undefined) {
      new Counter({
        name: 'switchyard_agent_envelopes_refused_total',
        help: 'Envelopes from agents that the orchestrator refused (no valid session, id in use, over a limit, ...), by kind and code',
        labelNames: ['kind', 'code'],
        registers,
        collect() {
          this.reset();
          for (const { kind, code, count } of guard.refusedAgentEnvelopes()) this.inc({ kind, code }, count);
        },
      });
      new Counter({
        name: 'switchyard_progress_reports_dropped_total',
        help: 'Progress reports the orchestrator dropped (not from the holder of the attempt, task not running), by code',
        labelNames: ['code'],
        registers,
        collect() {
          this.reset();
          for (const { code, count } of guard.droppedProgressReports()) this.inc({ code }, count);
        },
      });
      new Gauge({
        name: 'switchyard_liveness_loop_lag_seconds',
        help: "How late the agents' liveness check fired lately (event-loop lag); it extends every agent's heartbeat grace",
        registers,
        collect() {
          this.set(guard.recentLoopLagMs / 1000);
        },
      });
    }
    if (strategyMetrics !== undefined) {
      // Gauges that copy the strategies' own numbers at each scrape (a counter's value only grows).
      new Gauge({
        name: 'switchyard_strategy_counter',
        help: "A strategy plugin's own counter (services.metrics.increment), by strategy and name",
        labelNames: ['strategy', 'name'],
        registers,
        collect() {
          this.reset();
          for (const sample of strategyMetrics())
            if (sample.kind === 'counter') this.set({ strategy: sample.strategy, name: sample.name }, sample.value);
        },
      });
      new Gauge({
        name: 'switchyard_strategy_gauge',
        help: "A strategy plugin's own gauge (services.metrics.set), by strategy and name",
        labelNames: ['strategy', 'name'],
        registers,
        collect() {
          this.reset();
          for (const sample of strategyMetrics())
            if (sample.kind === 'gauge') this.set({ strategy: sample.strategy, name: sample.name }, sample.value);
        },
      });
    }
    this.tasks = new Counter({
      name: 'switchyard_tasks_total',
      help: 'Tasks that reached a final state, by status and by the strategy that last assigned them',
      labelNames: ['status', 'strategy'],
      registers,
    });
    this.assignments = new Counter({
      name: 'switchyard_task_assignments_total',
      help: 'Hand-overs of a task to an agent (every attempt), by strategy',
      labelNames: ['strategy'],
      registers,
    });
    this.retries = new Counter({
      name: 'switchyard_task_attempt_failures_total',
      help: 'Attempts that ended without a result and will be tried again',
      registers,
    });
    this.queued = new Counter({
      name: 'switchyard_tasks_queued_total',
      help: 'Times a task entered the queue: waiting for capacity or for a retry',
      labelNames: ['reason'],
      registers,
    });
    this.decision = new Histogram({
      name: 'switchyard_decision_seconds',
      help: 'Time to pick an agent: candidate lookup plus the strategy, by strategy',
      labelNames: ['strategy'],
      buckets: [0.000_001, 0.000_005, 0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05],
      registers,
    });
    this.latency = new Histogram({
      name: 'switchyard_task_latency_seconds',
      help: 'From task creation to its final state, by status',
      labelNames: ['status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    new Gauge({
      name: 'switchyard_queue_depth',
      help: 'Tasks waiting for a free agent or a retry, by priority',
      labelNames: ['priority'],
      registers,
      collect() {
        const stats = watch.queueStats();
        for (const priority of MessagePrioritySchema.options) this.set({ priority }, stats.byPriority[priority]);
      },
    });
    new Gauge({
      name: 'switchyard_queue_oldest_wait_seconds',
      help: 'How long the longest-waiting queued task has waited',
      registers,
      collect() {
        this.set(watch.queueStats().oldestWaitMs / 1000);
      },
    });
    const agentStatuses = AgentStatusSchema.options;
    new Gauge({
      name: 'switchyard_agents',
      help: 'Registered agents, by status',
      labelNames: ['status'],
      registers,
      collect() {
        const counts = new Map<string, number>(agentStatuses.map((status) => [status, 0]));
        for (const agent of watch.listAgents()) counts.set(agent.status, (counts.get(agent.status) ?? 0) + 1);
        for (const [status, count] of counts) this.set({ status }, count);
      },
    });
    // Per-agent series: one per agent, dropped when the agent leaves (reset before each scrape).
    new Gauge({
      name: 'switchyard_agent_load',
      help: 'Tasks an agent holds now',
      labelNames: ['agent'],
      registers,
      collect() {
        this.reset();
        for (const agent of watch.listAgents()) this.set({ agent: agent.id }, agent.load);
      },
    });
    new Gauge({
      name: 'switchyard_agent_capacity',
      help: 'Most tasks an agent takes at once (+Inf when unbounded)',
      labelNames: ['agent'],
      registers,
      collect() {
        this.reset();
        for (const agent of watch.listAgents()) this.set({ agent: agent.id }, agent.capacity ?? Infinity);
      },
    });
    new Gauge({
      name: 'switchyard_agent_stuck_tasks',
      help: 'Tasks whose handlers ignored a task_cancel past the agent grace period (still counted in its load), as the agent reports',
      labelNames: ['agent'],
      registers,
      collect() {
        this.reset();
        for (const agent of watch.listAgents())
          if (agent.stuckTasks > 0) this.set({ agent: agent.id }, agent.stuckTasks);
      },
    });
    this.unsubscribe = watch.onEvent((event) => {
      this.record(event);
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  stop(): void {
    this.unsubscribe();
  }

  private record(event: DistributionEvent): void {
    switch (event.type) {
      case 'task_queued':
        this.queued.inc({ reason: event.reason });
        return;
      case 'task_assigned':
        this.strategyOf.set(event.task.id, event.strategy);
        this.assignments.inc({ strategy: event.strategy });
        this.decision.observe({ strategy: event.strategy }, event.decisionMs / 1000);
        return;
      case 'task_attempt_failed':
        this.retries.inc();
        return;
      case 'task_finished': {
        // Another orchestrator ran it and counts it: summed over replicas, each task counts once.
        if (event.elsewhere === true) return;
        const { status, id } = event.task;
        this.tasks.inc({ status, strategy: this.strategyOf.get(id) ?? UNASSIGNED });
        this.strategyOf.delete(id);
        this.latency.observe({ status }, event.latencyMs / 1000);
        return;
      }
      default:
        return;
    }
  }
}
