import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { AgentTask } from '@switchyard/agent';
import { SwitchyardAgent, TaskFailure } from '@switchyard/agent';
import type { JsonValue, Logger, Transport } from '@switchyard/core';
import { parseInput, SilentLogger } from '@switchyard/core';
import { CircuitBreaker } from './circuit-breaker.js';
import type { FastAgentOptions, FastAgentOptionsInput, FastAgentServer } from './fast-agent-options.js';
import { FastAgentOptionsSchema } from './fast-agent-options.js';
import type { FastAgentTool } from './fast-agent-tool.js';
import { fastAgentTools } from './fast-agent-tool.js';

/** What a fast-agent agent is given: the task's `prompt` when it has one, else the whole task data as JSON. */
export function promptOf(task: AgentTask): string {
  const data = task.data;
  if (typeof data === 'string') return data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && typeof data.prompt === 'string') return data.prompt;
  return JSON.stringify(data);
}

/** The reply as a task result: its text, and its structured content where the server sent some. */
function resultOf(reply: CallToolResult): JsonValue {
  const text = reply.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  return reply.structuredContent === undefined ? { text } : { text, structured: reply.structuredContent as JsonValue };
}

interface BridgedAgent {
  readonly tool: FastAgentTool;
  readonly agent: SwitchyardAgent;
}

export interface BridgedAgentState {
  readonly agentId: string;
  readonly server: string;
  readonly tool: string;
  readonly reachable: boolean;
}

/** One fast-agent server: the MCP client, its agents as Switchyard agents, its health. */
class ServerLink {
  private client: Client | undefined;
  private reachable = false;
  private readonly agents = new Map<string, BridgedAgent>();
  private readonly breaker: CircuitBreaker;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly server: FastAgentServer,
    private readonly options: FastAgentOptions,
    private readonly connect: () => Transport,
    private readonly logger: Logger,
  ) {
    this.breaker = new CircuitBreaker(options.circuitBreaker.failures, options.circuitBreaker.openMs);
  }

  states(): BridgedAgentState[] {
    return [...this.agents.values()].map(({ tool, agent }) => ({ agentId: agent.agentId, server: this.server.name, tool: tool.tool, reachable: this.reachable }));
  }

  /** Re-reads the server's agents (one at a time): joins new ones, lets go of gone ones, follows health. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.agents.values()].map(({ agent }) => agent.stop()));
    this.agents.clear();
    await this.client?.close();
    this.client = undefined;
  }

  private async doRefresh(): Promise<void> {
    let tools: FastAgentTool[];
    try {
      const client = this.client ?? (await this.openClient());
      tools = fastAgentTools((await client.listTools(undefined, { timeout: this.options.refreshTimeoutMs })).tools);
    } catch (error) {
      await this.unreachable(error);
      return;
    }
    const wasReachable = this.reachable;
    this.reachable = true;
    const wanted = new Map<string, { tool: FastAgentTool; agentId: string; capabilities: string[]; priority: number; capacity: number | undefined }>();
    for (const tool of tools) {
      const mapping = this.options.agents.find((entry) => entry.name === tool.agent && (entry.server === undefined || entry.server === this.server.name));
      if (mapping !== undefined) wanted.set(tool.tool, { tool, agentId: mapping.agentId, capabilities: mapping.capabilities, priority: mapping.priority, capacity: mapping.capacity });
      else if (this.options.unlisted.register) {
        wanted.set(tool.tool, { tool, agentId: `${this.server.name}-${tool.agent}`.replace(/[^A-Za-z0-9_-]/g, '-'), capabilities: this.options.unlisted.capabilities, priority: 0, capacity: this.options.unlisted.capacity });
      }
    }
    for (const [toolName, bridged] of this.agents) {
      if (wanted.has(toolName)) continue;
      this.agents.delete(toolName);
      this.logger.info('fast-agent agent gone: unregistering', { server: this.server.name, agentId: bridged.agent.agentId });
      await bridged.agent.stop();
    }
    for (const [toolName, want] of wanted) {
      const known = this.agents.get(toolName);
      if (known !== undefined) {
        if (!wasReachable) await known.agent.setStatus('online').catch((error: unknown) => { this.logger.warn('could not report online', { error: String(error) }); });
        continue;
      }
      const agent = new SwitchyardAgent(
        { agentId: want.agentId, capabilities: want.capabilities, priority: want.priority, ...(want.capacity === undefined ? {} : { capacity: want.capacity }), metadata: { fastAgent: { server: this.server.name, agent: want.tool.agent, tool: toolName } } },
        this.connect(),
        (task) => this.call(toolName, promptOf(task)),
        this.logger,
      );
      try {
        await agent.start();
        this.agents.set(toolName, { tool: want.tool, agent });
        this.logger.info('fast-agent agent registered', { server: this.server.name, agentId: want.agentId, tool: toolName });
      } catch (error) {
        this.logger.warn('could not register a fast-agent agent', { server: this.server.name, agentId: want.agentId, error: String(error) });
      }
    }
  }

  private async openClient(): Promise<Client> {
    const client = new Client({ name: 'switchyard-fast-agent-bridge', version: '0.1.0' });
    const transport =
      this.server.url !== undefined
        ? new StreamableHTTPClientTransport(new URL(this.server.url))
        : new StdioClientTransport({ command: this.server.command as string, args: this.server.args, ...(this.server.cwd === undefined ? {} : { cwd: this.server.cwd }), stderr: 'ignore' });
    await client.connect(transport, { timeout: this.options.refreshTimeoutMs });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      void this.refresh();
    });
    client.onclose = () => {
      if (this.client === client) this.client = undefined;
    };
    this.client = client;
    return client;
  }

  private async unreachable(error: unknown): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
    if (!this.reachable && this.agents.size === 0) {
      this.logger.warn('fast-agent server unreachable', { server: this.server.name, error: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (this.reachable) this.logger.warn('fast-agent server unreachable: its agents go offline', { server: this.server.name, error: error instanceof Error ? error.message : String(error) });
    this.reachable = false;
    for (const { agent } of this.agents.values()) {
      await agent.setStatus('offline').catch((failure: unknown) => { this.logger.warn('could not report offline', { agentId: agent.agentId, error: String(failure) }); });
    }
  }

  /** One tool call per task: retried with backoff when the call itself failed, behind the circuit breaker. */
  private async call(tool: string, message: string): Promise<JsonValue> {
    return this.breaker.run(this.server.name, async () => {
      for (let attempt = 0; ; attempt++) {
        const client = this.client;
        try {
          if (client === undefined) throw new Error(`fast-agent server '${this.server.name}' is not connected`);
          const reply = (await client.callTool({ name: tool, arguments: { message } }, undefined, { timeout: this.options.callTimeoutMs })) as CallToolResult;
          if (reply.isError === true) {
            throw new TaskFailure(`fast-agent '${tool}' answered with an error: ${JSON.stringify(reply.content)}`, { code: 'FAST_AGENT_ERROR', permanent: true });
          }
          return resultOf(reply);
        } catch (error) {
          if (error instanceof TaskFailure || attempt >= this.options.retries) {
            if (error instanceof TaskFailure) throw error;
            throw new TaskFailure(`calling fast-agent '${tool}' failed: ${error instanceof Error ? error.message : String(error)}`, { code: 'FAST_AGENT_UNREACHABLE' });
          }
          await new Promise((resolve) => setTimeout(resolve, this.options.retryBackoffMs * 2 ** attempt));
          if (this.client === undefined) await this.refresh();
        }
      }
    });
  }
}

/**
 * Makes fast-agent agents Switchyard agents. For every configured fast-agent server it keeps an
 * MCP client, registers each agent it serves (mapped to a Switchyard id and capabilities, or with
 * default capabilities when unlisted agents are welcome) as a SwitchyardAgent over the given
 * transport, turns each task into one tool call, and follows the server's health and tool list.
 */
export class FastAgentBridge {
  readonly options: FastAgentOptions;
  private readonly links: ServerLink[];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: FastAgentOptionsInput, connect: () => Transport, logger: Logger = new SilentLogger()) {
    this.options = parseInput(FastAgentOptionsSchema, options, 'fast-agent options');
    this.links = this.options.servers.map((server) => new ServerLink(server, this.options, connect, logger));
  }

  /** Connects to every server it can reach now; the rest are retried every refreshIntervalMs. */
  async start(): Promise<void> {
    await this.refresh();
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

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.links.map((link) => link.stop()));
  }
}
