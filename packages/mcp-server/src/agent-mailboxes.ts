import type { TaskRequestPayload, Transport, TransportSubscription } from '@switchyard/core';
import { agentAddress } from '@switchyard/core';

interface Mailbox {
  readonly subscription: TransportSubscription;
  readonly tasks: TaskRequestPayload[];
  readonly waiters: Set<() => void>;
}

/**
 * Where tasks wait for agents that are MCP clients: registering through MCP opens a mailbox that
 * listens at the agent's transport address, and `receive_tasks` long-polls it.
 */
export class AgentMailboxes {
  private readonly mailboxes = new Map<string, Mailbox>();
  private started = false;

  constructor(private readonly transport: Transport) {}

  has(agentId: string): boolean {
    return this.mailboxes.has(agentId);
  }

  async open(agentId: string): Promise<void> {
    if (this.mailboxes.has(agentId)) return;
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
    this.mailboxes.set(agentId, { subscription, tasks, waiters });
  }

  async close(agentId: string): Promise<void> {
    const mailbox = this.mailboxes.get(agentId);
    if (mailbox === undefined) return;
    this.mailboxes.delete(agentId);
    for (const wake of mailbox.waiters) wake();
    await mailbox.subscription.unsubscribe();
  }

  /** Up to `max` waiting tasks; waits up to `timeoutMs` for the first one. */
  async take(agentId: string, max: number, timeoutMs: number): Promise<TaskRequestPayload[]> {
    const mailbox = this.mailboxes.get(agentId);
    if (mailbox === undefined) return [];
    if (mailbox.tasks.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          mailbox.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, timeoutMs);
        mailbox.waiters.add(wake);
      });
    }
    return mailbox.tasks.splice(0, max);
  }

  async stop(): Promise<void> {
    for (const agentId of [...this.mailboxes.keys()]) await this.close(agentId);
    if (this.started) await this.transport.stop();
    this.started = false;
  }
}
