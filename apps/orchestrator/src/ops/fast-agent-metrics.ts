import type { CallOutcome, FastAgentServerStats } from '@switchyard/fast-agent';
import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';

/**
 * Per fast-agent server, read from the bridge at each scrape: up or down, the circuit, open MCP
 * sessions, tool calls by outcome, the answered calls' summed duration, and times it went down.
 */
// Types only from @switchyard/fast-agent: it is an optional package, imported when the config names it.
export function registerFastAgentMetrics(registry: Registry, serverStats: () => readonly FastAgentServerStats[]): void {
  const registers = [registry];
  new Gauge({
    name: 'switchyard_fast_agent_server_up',
    help: 'Whether the fast-agent server answers and its agents are online (1) or not (0)',
    labelNames: ['server'],
    registers,
    collect() {
      this.reset();
      for (const stats of serverStats()) this.set({ server: stats.server }, stats.up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'switchyard_fast_agent_circuit_open',
    help: 'Whether the fast-agent server failed too many calls in a row and is not called (1) or is (0)',
    labelNames: ['server'],
    registers,
    collect() {
      this.reset();
      for (const stats of serverStats()) this.set({ server: stats.server }, stats.circuit === 'open' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'switchyard_fast_agent_sessions',
    help: 'MCP sessions open with the fast-agent server',
    labelNames: ['server'],
    registers,
    collect() {
      this.reset();
      for (const stats of serverStats()) this.set({ server: stats.server }, stats.sessionsOpen);
    },
  });
  new Counter({
    name: 'switchyard_fast_agent_calls_total',
    help: 'Tool calls to the fast-agent server, by outcome (ok, agent_error, timeout, cancelled, busy, session_lost, connection, server_error, unavailable)',
    labelNames: ['server', 'outcome'],
    registers,
    collect() {
      this.reset();
      for (const stats of serverStats())
        for (const outcome of Object.keys(stats.calls) as CallOutcome[])
          this.inc({ server: stats.server, outcome }, stats.calls[outcome]);
    },
  });
  new Counter({
    name: 'switchyard_fast_agent_call_seconds_sum',
    help: 'Summed duration of the answered tool calls (divide by switchyard_fast_agent_call_seconds_count for the mean)',
    labelNames: ['server'],
    registers,
    collect() {
      this.reset();
      for (const stats of serverStats()) this.inc({ server: stats.server }, stats.answeredSecondsSum);
    },
  });
  new Counter({
    name: 'switchyard_fast_agent_call_seconds_count',
    help: 'Answered tool calls',
    labelNames: ['server'],
    registers,
    collect() {
      this.reset();
      for (const stats of serverStats()) this.inc({ server: stats.server }, stats.answeredCount);
    },
  });
  new Counter({
    name: 'switchyard_fast_agent_server_downs_total',
    help: 'Times the fast-agent server went down (refused connections, a lost stream confirmed, or an open circuit)',
    labelNames: ['server'],
    registers,
    collect() {
      this.reset();
      for (const stats of serverStats()) this.inc({ server: stats.server }, stats.downs);
    },
  });
}
