import type { TaskRequestPayload, Transport, TransportSubscription } from '@switchyard/core/internal';
import { agentAddress } from '@switchyard/core/internal';

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

interface Mailbox {
  readonly subscription: TransportSubscription;
  readonly tasks: TaskRequestPayload[];
  readonly waiters: Set<() => void>;
  leaseEndsAt: number;
  polls: number;
  lapsed: boolean;
}

export interface AgentMailboxesOptions {
  /**
   * Marks an agent offline when its lease lapses and online when it polls again, as the agent's
   * own report (the app passes core's TaskDistributor.updateAgentStatus(…, fromAgent = true)).
   */
  readonly setStatus: (agentId: string, status: 'online' | 'offline') => unknown;
  /** How long after registering or its last poll an agent that is not polling stays online (agents.mcpLeaseMs). */
  readonly leaseMs: number;
  readonly now?: () => number;
  /** Told when reporting a lapse or a return fails (the agent was unregistered meanwhile, …). */
  readonly onReportFailed?: (agentId: string, error: unknown) => void;
}

/**
 * Where tasks wait for agents that are MCP clients: registering through MCP opens a mailbox that
 * listens at the agent's transport address, and `receive_tasks` long-polls it. Each agent holds a
 * lease that a poll renews; one that stops polling for `leaseMs` goes offline (core then hands
 * the tasks it held to others), as a transport agent does when its heartbeats stop.
 */
export class AgentMailboxes {
  private readonly mailboxes = new Map<string, Mailbox>();
  private started = false;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly transport: Transport,
    private readonly options: AgentMailboxesOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(
      () => {
        this.expireLeases();
      },
      Math.max(10, Math.min(options.leaseMs / 4, 1_000)),
    );
    this.sweeper.unref();
  }

  has(agentId: string): boolean {
    return this.mailboxes.has(agentId);
  }

  /** Polls waiting for the agent's tasks right now (what an operator or a test can watch). */
  waitingPolls(agentId: string): number {
    return this.mailboxes.get(agentId)?.waiters.size ?? 0;
  }

  /** Opens the agent's mailbox (or renews its lease when it is open). */
  async open(agentId: string): Promise<void> {
    const existing = this.mailboxes.get(agentId);
    if (existing !== undefined) {
      existing.lapsed = false;
      existing.leaseEndsAt = this.now() + this.options.leaseMs;
      return;
    }
    if (!this.started) {
      await this.transport.start();
      this.started = true;
    }
    const tasks: TaskRequestPayload[] = [];
    const waiters = new Set<() => void>();
    const subscription = await this.transport.subscribe(agentAddress(agentId), (envelope) => {
      if (envelope.kind !== 'task_request') return;
      tasks.push(envelope.payload);
      for (const wake of waiters) wake();
    });
    this.mailboxes.set(agentId, {
      subscription,
      tasks,
      waiters,
      leaseEndsAt: this.now() + this.options.leaseMs,
      polls: 0,
      lapsed: false,
    });
  }

  async close(agentId: string): Promise<void> {
    const mailbox = this.mailboxes.get(agentId);
    if (mailbox === undefined) return;
    this.mailboxes.delete(agentId);
    for (const wake of mailbox.waiters) wake();
    await mailbox.subscription.unsubscribe();
  }

  /**
   * Up to `max` waiting tasks; waits up to `timeoutMs` for the first one. A poll whose `signal`
   * aborts (the request was cancelled or its connection dropped) takes nothing: the tasks stay
   * for the next live poll.
   */
  async take(agentId: string, max: number, timeoutMs: number, signal?: AbortSignal): Promise<TaskRequestPayload[]> {
    const mailbox = this.mailboxes.get(agentId);
    if (mailbox === undefined || signal?.aborted === true) return [];
    mailbox.polls++;
    this.renew(agentId, mailbox);
    try {
      if (mailbox.tasks.length === 0 && timeoutMs > 0) await this.waitForTask(mailbox, timeoutMs, signal);
    } finally {
      mailbox.polls--;
      mailbox.leaseEndsAt = this.now() + this.options.leaseMs;
    }
    // Checked again after the wait: the poll may have been abandoned meanwhile.
    if (isAborted(signal) || this.mailboxes.get(agentId) !== mailbox) return [];
    return mailbox.tasks.splice(0, max);
  }

  /** Tasks a poll took but could not deliver (its request was cancelled): first in line again. */
  putBack(agentId: string, tasks: readonly TaskRequestPayload[]): void {
    const mailbox = this.mailboxes.get(agentId);
    if (mailbox === undefined || mailbox.lapsed || tasks.length === 0) return;
    mailbox.tasks.unshift(...tasks);
    for (const wake of mailbox.waiters) wake();
  }

  /** Marks offline every agent whose lease lapsed; what its mailbox held is handed out again by core. */
  expireLeases(): void {
    const now = this.now();
    for (const [agentId, mailbox] of this.mailboxes) {
      if (mailbox.lapsed || mailbox.polls > 0 || mailbox.leaseEndsAt > now) continue;
      mailbox.lapsed = true;
      mailbox.tasks.length = 0;
      this.report(agentId, 'offline');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    for (const agentId of [...this.mailboxes.keys()]) await this.close(agentId);
    if (this.started) await this.transport.stop();
    this.started = false;
  }

  private renew(agentId: string, mailbox: Mailbox): void {
    mailbox.leaseEndsAt = this.now() + this.options.leaseMs;
    if (!mailbox.lapsed) return;
    mailbox.lapsed = false;
    this.report(agentId, 'online');
  }

  private report(agentId: string, status: 'online' | 'offline'): void {
    try {
      this.options.setStatus(agentId, status);
    } catch (error) {
      this.options.onReportFailed?.(agentId, error);
    }
  }

  private waitForTask(mailbox: Mailbox, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        mailbox.waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      mailbox.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }
}
