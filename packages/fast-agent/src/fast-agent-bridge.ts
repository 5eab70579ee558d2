import type { Logger } from '@switchyard/core';
import type { Transport } from '@switchyard/core/internal';
import { SilentLogger } from '@switchyard/core';
import { parseInput } from '@switchyard/core/internal';
import type { FastAgentOptions, FastAgentOptionsInput } from './fast-agent-options.js';
import { FastAgentOptionsSchema } from './fast-agent-options.js';
import type { BridgedAgentState } from './fast-agent-server-link.js';
import { FastAgentServerLink } from './fast-agent-server-link.js';
import type { FastAgentServerStats } from './fast-agent-server-stats.js';

/**
 * Makes fast-agent agents Switchyard agents. For every configured fast-agent server it keeps MCP
 * sessions (as many as its agents' capacity, since fast-agent runs one call per session), registers
 * each agent it serves (mapped to a Switchyard id and capabilities, or with default capabilities
 * when unlisted agents are welcome) as a SwitchyardAgent over the given transport, turns each task
 * into one tool call, and follows the server's health and tool list.
 */
export class FastAgentBridge {
  readonly options: FastAgentOptions;
  private readonly links: FastAgentServerLink[];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: FastAgentOptionsInput, connect: () => Transport, logger: Logger = new SilentLogger()) {
    this.options = parseInput(FastAgentOptionsSchema, options, 'fast-agent options');
    const idTaken = (agentId: string, by: FastAgentServerLink): boolean =>
      this.links.some((link) => link !== by && link.hasAgentId(agentId));
    this.links = this.options.servers.map(
      (server) => new FastAgentServerLink(server, this.options, connect, logger, idTaken),
    );
  }

  /** Connects to every server it can reach now; the rest are probed until they answer. */
  async start(): Promise<void> {
    await Promise.all(this.links.map((link) => link.start()));
    this.timer = setInterval(() => {
      void this.refresh();
    }, this.options.refreshIntervalMs);
    this.timer.unref();
  }

  refresh(): Promise<void> {
    return Promise.all(this.links.map((link) => link.refresh())).then(() => undefined);
  }

  agents(): BridgedAgentState[] {
    return this.links.flatMap((link) => link.states());
  }

  /** Per server: up or down, the circuit, sessions, and calls by outcome (what `/metrics` shows). */
  serverStats(): FastAgentServerStats[] {
    return this.links.map((link) => link.stats());
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.links.map((link) => link.stop()));
  }
}
