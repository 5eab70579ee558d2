import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AgentTask } from '@switchyard/agent';
import { CircuitBreaker, probeWithBackoff, sleepUnlessStopped, SwitchyardAgent, TaskFailure } from '@switchyard/agent';
import type { JsonValue, Logger } from '@switchyard/core';
import type { Transport } from '@switchyard/core/internal';
import { callFailureKind } from './call-failure-kind.js';
import type { FastAgentOptions, FastAgentServer } from './fast-agent-options.js';
import type { CallOutcome, FastAgentServerStats } from './fast-agent-server-stats.js';
import { CALL_OUTCOMES } from './fast-agent-server-stats.js';
import type { FastAgentTool } from './fast-agent-tool.js';
import { fastAgentTools } from './fast-agent-tool.js';
import { McpSessionPool } from './mcp-session-pool.js';

/** What fast-agent 0.10 answers for a second operation on a session: back-pressure, not the task's failure. */
const SESSION_BUSY = /already running/i;
/** Pause before another session is tried after a busy answer. */
const BUSY_PAUSE_MS = 20;

/** What a fast-agent agent is given: the task's `prompt` when it has one, else the whole task data as JSON. */
export function promptOf(task: AgentTask): string {
  const data = task.data;
  if (typeof data === 'string') return data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && typeof data.prompt === 'string')
    return data.prompt;
  return JSON.stringify(data);
}

/** The reply as a task result: its text, and its structured content where the server sent some. */
function resultOf(reply: CallToolResult): JsonValue {
  const text = reply.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  return reply.structuredContent === undefined ? { text } : { text, structured: reply.structuredContent as JsonValue };
}

function replyText(reply: CallToolResult): string {
  return reply.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether anything answers HTTP at the server's URL (any status): the cheap probe of a server that is down. */
async function answersHttp(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'GET',
      headers: { accept: 'text/event-stream' },
      signal: AbortSignal.timeout(1_000),
    });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** An agent of this server the config (or its defaults) wants registered, with what it registers. */
interface WantedAgent {
  tool: FastAgentTool;
  agentId: string;
  capabilities: string[];
  priority: number;
  capacity: number;
  token: string | undefined;
}

interface BridgedAgent {
  readonly tool: FastAgentTool;
  readonly agent: SwitchyardAgent;
  readonly capacity: number;
}

export interface BridgedAgentState {
  readonly agentId: string;
  readonly server: string;
  readonly tool: string;
  readonly reachable: boolean;
}

/**
 * One fast-agent server: its MCP sessions, its agents as Switchyard agents, its health. Up, it
 * re-reads the tool list every refreshIntervalMs; a refused connection, a dropped stream that a
 * probe confirms, or an open circuit takes it down at once (its agents go offline, so the
 * orchestrator hands their tasks to others, uncounted) and it is probed with back-off until it
 * answers again.
 */
export class FastAgentServerLink {
  private state: 'starting' | 'up' | 'down' = 'starting';
  /** Aborted when the server goes down: the calls in flight end at once instead of hanging. */
  private generation = new AbortController();
  private readonly stopping = new AbortController();
  private readonly agents = new Map<string, BridgedAgent>();
  private readonly pool: McpSessionPool;
  private readonly breaker: CircuitBreaker;
  private refreshing: Promise<void> | undefined;
  private offlineReported: Promise<void> = Promise.resolve();
  private probing: Promise<void> | undefined;
  private checking: Promise<void> | undefined;
  private readonly calls = Object.fromEntries(CALL_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    CallOutcome,
    number
  >;
  private answeredCount = 0;
  private answeredSecondsSum = 0;
  private downs = 0;
  private ups = 0;

  constructor(
    private readonly server: FastAgentServer,
    private readonly options: FastAgentOptions,
    private readonly connect: () => Transport,
    private readonly logger: Logger,
    /** Agent ids other servers' agents have: an unlisted agent never takes one. */
    private readonly idTaken: (agentId: string, by: FastAgentServerLink) => boolean,
  ) {
    this.breaker = new CircuitBreaker(options.circuitBreaker.failures, options.circuitBreaker.openMs);
    this.pool = new McpSessionPool(server, {
      transportError: (error) => {
        this.checkHealth(error);
      },
      closed: () => {
        if (this.state === 'up') void this.markDown(new Error('the server closed the connection'));
      },
      toolsChanged: () => {
        void this.refresh();
      },
    });
  }

  get name(): string {
    return this.server.name;
  }

  hasAgentId(agentId: string): boolean {
    return [...this.agents.values()].some(({ agent }) => agent.agentId === agentId);
  }

  states(): BridgedAgentState[] {
    return [...this.agents.values()].map(({ tool, agent }) => ({
      agentId: agent.agentId,
      server: this.server.name,
      tool: tool.tool,
      reachable: this.state === 'up',
    }));
  }

  stats(): FastAgentServerStats {
    return {
      server: this.server.name,
      up: this.state === 'up',
      circuit: this.breaker.isOpen ? 'open' : 'closed',
      mode: this.pool.mode,
      sessionsOpen: this.pool.open,
      calls: { ...this.calls },
      answeredCount: this.answeredCount,
      answeredSecondsSum: this.answeredSecondsSum,
      downs: this.downs,
      ups: this.ups,
    };
  }

  /** Connects (waiting up to startupTimeoutMs); a server not answering yet is probed until it does. */
  async start(): Promise<void> {
    await this.refresh();
  }

  /** Re-reads the server's agents (one refresh at a time): joins new ones, lets go of gone ones. A server that is down is left to its probe. */
  refresh(): Promise<void> {
    if (this.state === 'down' || this.stopping.signal.aborted) return Promise.resolve();
    this.refreshing ??= this.sync()
      .then(() => undefined)
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.probing;
    await Promise.all([...this.agents.values()].map(({ agent }) => agent.stop()));
    this.agents.clear();
    this.generation.abort(new Error('the bridge stopped'));
    await this.pool.close(new Error('the bridge stopped'));
  }

  /** Reads the tool list; true when the server answered (it is up now). */
  private async sync(): Promise<boolean> {
    let tools: FastAgentTool[];
    try {
      // A stdio server is started by the first connection: fast-agent's cold start needs the longer timeout.
      const connectTimeoutMs =
        this.server.command !== undefined && this.pool.open === 0
          ? this.options.startupTimeoutMs
          : this.options.refreshTimeoutMs;
      const client = await this.pool.control(connectTimeoutMs);
      tools = fastAgentTools((await client.listTools(undefined, { timeout: this.options.refreshTimeoutMs })).tools);
    } catch (error) {
      // A probe's failed try: still down, nothing new to report.
      if (this.state === 'down')
        this.logger.debug('fast-agent server still not ready', { server: this.server.name, error: messageOf(error) });
      else await this.markDown(error);
      return false;
    }
    await this.follow(tools);
    return true;
  }

  private wantedAgents(tools: readonly FastAgentTool[]): Map<string, WantedAgent> {
    const wanted = new Map<string, WantedAgent>();
    for (const tool of tools) {
      const mapping = this.options.agents.find(
        (entry) => entry.name === tool.agent && (entry.server === undefined || entry.server === this.server.name),
      );
      if (mapping !== undefined) {
        wanted.set(tool.tool, {
          tool,
          agentId: mapping.agentId,
          capabilities: mapping.capabilities,
          priority: mapping.priority,
          capacity: mapping.capacity,
          token: mapping.token ?? this.options.token,
        });
        continue;
      }
      if (!this.options.unlisted.register) continue;
      const agentId = `${this.server.name}-${tool.agent}`.replace(/[^A-Za-z0-9_-]/g, '-');
      if (this.options.agents.some((entry) => entry.agentId === agentId) || this.idTaken(agentId, this)) {
        this.logger.error('fast-agent agent not registered: its id is taken by another agent', {
          server: this.server.name,
          agent: tool.agent,
          agentId,
        });
        continue;
      }
      wanted.set(tool.tool, {
        tool,
        agentId,
        capabilities: this.options.unlisted.capabilities,
        priority: 0,
        capacity: this.options.unlisted.capacity,
        token: this.options.token,
      });
    }
    return wanted;
  }

  /** The server answered with these tools: its agents follow, and a server that was down is up again. */
  private async follow(tools: readonly FastAgentTool[]): Promise<void> {
    const wanted = this.wantedAgents(tools);
    const wasUp = this.state === 'up';
    for (const [toolName, bridged] of this.agents) {
      if (wanted.has(toolName)) continue;
      this.agents.delete(toolName);
      this.logger.info('fast-agent agent gone: unregistering', {
        server: this.server.name,
        agentId: bridged.agent.agentId,
      });
      await bridged.agent.stop();
    }
    this.pool.resize([...wanted.values()].reduce((sum, want) => sum + want.capacity, 0));
    this.breaker.succeeded();
    this.state = 'up';
    if (!wasUp) {
      this.ups++;
      this.logger.info('fast-agent server up', { server: this.server.name, mode: this.pool.mode, agents: wanted.size });
    }
    for (const [toolName, want] of wanted) {
      const known = this.agents.get(toolName);
      if (known !== undefined) {
        if (!wasUp)
          await known.agent.setStatus('online').catch((error: unknown) => {
            this.logger.warn('could not report a fast-agent agent online', {
              agentId: known.agent.agentId,
              error: messageOf(error),
            });
          });
        continue;
      }
      const agent = new SwitchyardAgent(
        {
          agentId: want.agentId,
          capabilities: want.capabilities,
          priority: want.priority,
          capacity: want.capacity,
          metadata: { fastAgent: { server: this.server.name, agent: want.tool.agent, tool: toolName } },
          ...(want.token === undefined ? {} : { authToken: want.token }),
        },
        this.connect(),
        (task, context) => this.call(toolName, promptOf(task), context.signal),
        this.logger,
      );
      try {
        await agent.start();
        this.agents.set(toolName, { tool: want.tool, agent, capacity: want.capacity });
        this.logger.info('fast-agent agent registered', {
          server: this.server.name,
          agentId: want.agentId,
          tool: toolName,
        });
      } catch (error) {
        this.logger.warn('could not register a fast-agent agent', {
          server: this.server.name,
          agentId: want.agentId,
          error: messageOf(error),
        });
      }
    }
  }

  /**
   * The server is down (or its circuit open): calls in flight end now, its agents go offline at
   * once (the orchestrator redistributes what they held without counting an attempt), and a
   * probe with back-off waits for it. Resolves once the orchestrator has been told.
   */
  private markDown(error: unknown, circuitOpened = false): Promise<void> {
    if (this.state === 'down' || this.stopping.signal.aborted) return this.offlineReported;
    const wasUp = this.state === 'up';
    this.state = 'down';
    this.generation.abort(new Error(`fast-agent server '${this.server.name}' went down`));
    this.generation = new AbortController();
    void this.pool.close(new Error(`fast-agent server '${this.server.name}' is down`));
    if (wasUp) {
      this.downs++;
      if (circuitOpened)
        this.logger.warn('fast-agent circuit open: the server failed too many calls in a row, its agents go offline', {
          server: this.server.name,
          openMs: this.breaker.openMs,
          error: messageOf(error),
        });
      else
        this.logger.info('fast-agent server down: its agents go offline', {
          server: this.server.name,
          error: messageOf(error),
        });
    } else {
      this.logger.warn('fast-agent server not answering: probing until it does', {
        server: this.server.name,
        error: messageOf(error),
      });
    }
    this.offlineReported = Promise.all(
      [...this.agents.values()].map(({ agent }) =>
        agent.setStatus('offline').catch((failure: unknown) => {
          this.logger.warn('could not report a fast-agent agent offline', {
            agentId: agent.agentId,
            error: messageOf(failure),
          });
        }),
      ),
    ).then(() => undefined);
    this.probing ??= this.probe().finally(() => {
      this.probing = undefined;
    });
    return this.offlineReported;
  }

  /** Probes a server that is down, with back-off, until it answers and its tools are read again. */
  private probe(): Promise<void> {
    const url = this.server.url;
    return probeWithBackoff({
      stop: this.stopping.signal,
      // A stdio probe starts a process: not every second.
      maxDelayMs:
        url === undefined
          ? Math.max(this.options.probeMaxIntervalMs, this.options.refreshIntervalMs)
          : this.options.probeMaxIntervalMs,
      breaker: this.breaker,
      attempt: async () => {
        // Over HTTP, a cheap request first: sessions are opened again only once the server answers.
        if (url !== undefined && !(await answersHttp(url))) return false;
        return this.sync();
      },
    });
  }

  /** A session's stream broke: if the server no longer answers, it is down now, not at the next refresh. */
  private checkHealth(error: Error): void {
    if (this.state !== 'up' || this.server.url === undefined || this.checking !== undefined) return;
    const url = this.server.url;
    this.checking = answersHttp(url)
      .then(async (answers) => {
        if (!answers) await this.markDown(error);
      })
      .finally(() => {
        this.checking = undefined;
      });
  }

  private unavailable(): TaskFailure {
    this.calls.unavailable++;
    // A refusal, not the task's failure: the agents are offline by now and the task goes elsewhere.
    return new TaskFailure(`fast-agent server '${this.server.name}' is down: the task goes to another agent or waits`, {
      code: 'AGENT_NOT_ACCEPTING',
    });
  }

  /**
   * One task, one tool call: on a free session, cancelled when the attempt ends or callTimeoutMs
   * passes. A busy session or a forgotten one (a restarted server) costs a retry on another
   * session, never the task; a server error is retried with back-off behind the circuit breaker.
   */
  private async call(tool: string, message: string, attemptSignal: AbortSignal): Promise<JsonValue> {
    if (this.state !== 'up') {
      await this.offlineReported;
      throw this.unavailable();
    }
    const signals = {
      deadline: AbortSignal.timeout(this.options.callTimeoutMs),
      serverDown: this.generation.signal,
      attemptSignal,
    };
    // One controller fed by the three, unhooked after the call: the attempt's and the server's signals live long.
    const call = new AbortController();
    const sources = [signals.attemptSignal, signals.deadline, signals.serverDown];
    const abort = (): void => {
      call.abort();
    };
    for (const source of sources) {
      if (source.aborted) call.abort();
      else source.addEventListener('abort', abort, { once: true });
    }
    try {
      return await this.callUntil(tool, message, call.signal, signals);
    } finally {
      for (const source of sources) source.removeEventListener('abort', abort);
    }
  }

  private async callUntil(
    tool: string,
    message: string,
    signal: AbortSignal,
    signals: { deadline: AbortSignal; serverDown: AbortSignal; attemptSignal: AbortSignal },
  ): Promise<JsonValue> {
    let serverFailures = 0;
    let sessionsLost = 0;
    for (;;) {
      let session;
      try {
        session = await this.pool.acquire(signal, this.options.refreshTimeoutMs);
      } catch (error) {
        throw await this.callEnded(tool, error, signals);
      }
      const started = performance.now();
      let reply: CallToolResult;
      try {
        // The SDK's own timeout is a backstop only: the deadline signal ends the call (and sends notifications/cancelled).
        reply = (await session.client.callTool({ name: tool, arguments: { message } }, undefined, {
          signal,
          timeout: this.options.callTimeoutMs + 1_000,
        })) as CallToolResult;
      } catch (error) {
        this.pool.release(session);
        if (signal.aborted) throw await this.callEnded(tool, error, signals);
        const kind = callFailureKind(error);
        if (kind === 'session_lost' && sessionsLost <= this.options.retries) {
          this.calls.session_lost++;
          sessionsLost++;
          this.logger.info('fast-agent server forgot its sessions (restarted): opening new ones', {
            server: this.server.name,
            tool,
          });
          await this.pool.reset();
          await this.pool.serveWaiting(this.options.refreshTimeoutMs);
          continue;
        }
        if (kind === 'connection') {
          this.calls.connection++;
          await this.markDown(error);
          throw this.unavailable();
        }
        this.calls.server_error++;
        if (this.breaker.failed()) {
          await this.markDown(error, true);
          throw this.unavailable();
        }
        if (serverFailures >= this.options.retries) {
          throw new TaskFailure(`fast-agent '${tool}' on '${this.server.name}' failed: ${messageOf(error)}`, {
            code: 'FAST_AGENT_SERVER_ERROR',
          });
        }
        const backoffMs = this.options.retryBackoffMs * 2 ** serverFailures;
        serverFailures++;
        this.logger.warn('fast-agent call failed: retrying', {
          server: this.server.name,
          tool,
          retry: serverFailures,
          inMs: backoffMs,
          error: messageOf(error),
        });
        await sleepUnlessStopped(backoffMs, signal);
        continue;
      }
      this.pool.release(session);
      if (reply.isError === true && SESSION_BUSY.test(replyText(reply))) {
        // The session still runs an earlier operation (one just cancelled, say): another session takes this call.
        this.calls.busy++;
        this.logger.debug('fast-agent session busy: trying another', { server: this.server.name, tool });
        await sleepUnlessStopped(BUSY_PAUSE_MS, signal);
        continue;
      }
      this.breaker.succeeded();
      const seconds = (performance.now() - started) / 1_000;
      this.answeredCount++;
      this.answeredSecondsSum += seconds;
      if (reply.isError === true) {
        this.calls.agent_error++;
        this.logger.debug('fast-agent call answered with an error', {
          server: this.server.name,
          tool,
          ms: Math.round(seconds * 1_000),
        });
        throw new TaskFailure(`fast-agent '${tool}' answered with an error: ${replyText(reply)}`, {
          code: 'FAST_AGENT_ERROR',
          permanent: true,
        });
      }
      this.calls.ok++;
      this.logger.debug('fast-agent call answered', {
        server: this.server.name,
        tool,
        ms: Math.round(seconds * 1_000),
      });
      return resultOf(reply);
    }
  }

  /** The call's signal fired: which of its reasons it was decides the failure. */
  private async callEnded(
    tool: string,
    error: unknown,
    signals: { deadline: AbortSignal; serverDown: AbortSignal; attemptSignal: AbortSignal },
  ): Promise<Error> {
    if (signals.deadline.aborted) {
      this.calls.timeout++;
      this.logger.warn('fast-agent call timed out: cancelled', {
        server: this.server.name,
        tool,
        callTimeoutMs: this.options.callTimeoutMs,
      });
      return new TaskFailure(
        `fast-agent '${tool}' on '${this.server.name}' did not answer within ${String(this.options.callTimeoutMs)} ms; the call was cancelled`,
        { code: 'FAST_AGENT_TIMEOUT' },
      );
    }
    if (signals.serverDown.aborted) {
      this.calls.connection++;
      await this.offlineReported;
      return this.unavailable();
    }
    if (signals.attemptSignal.aborted) {
      this.calls.cancelled++;
      return new TaskFailure(`fast-agent '${tool}': the attempt ended; the call was cancelled`, {
        code: 'FAST_AGENT_CANCELLED',
      });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
