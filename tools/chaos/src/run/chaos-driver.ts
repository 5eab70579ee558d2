import { setTimeout as delay } from 'node:timers/promises';
import type { ProcessIncident } from '../check/chaos-report.js';
import type { AgentKill, OrchestratorLoss } from '../check/measure-recovery.js';
import type { TaskLedger } from '../check/task-ledger.js';
import type { ChaosEvent } from '../plan/chaos-plan.js';
import type { ChaosFleet } from './chaos-fleet.js';

/** Longest wait for an agent to be at work before it is killed anyway. */
const BUSY_WAIT_MS = 3_000;
/** Longest wait for an armed orchestrator to reach its crashing send. */
const CRASH_WAIT_MS = 60_000;

export interface DriverSettings {
  /** From this task on, submission waits until every event has happened, so none lands on an idle fleet. */
  readonly holdFrom: number;
  /**
   * An orchestrator that dies keeps its tasks' work items until JetStream redelivers them, after
   * ackWaitMs. No agent is killed (and no orchestrator armed to crash) before then plus the
   * orchestrator recovery goal's margin, so that an agent's recovery time measures agent failover
   * and not that wait, and an agent's death cannot move a dead orchestrator's task on in its place.
   */
  readonly ackWaitMs: number;
  readonly orchestratorRecoveryMarginMs: number;
  readonly startedAt: number;
}

/**
 * Carries out the plan's faults one after another as submission reaches them: SIGKILL an agent
 * (the moment the KV shows it holding a task, within 3 s) and start it again after its down
 * time; SIGKILL an orchestrator and start it again; arm an orchestrator to SIGKILL itself between
 * journal write and send, and start it again once it has; SIGKILL a nats-server node and start it
 * again on the same store. Records each agent and orchestrator death for the recovery measures;
 * a fault that fails (a process that will not come back) is an incident, and the run goes on.
 */
export class ChaosDriver {
  readonly kills: AgentKill[] = [];
  readonly orchestratorLosses: OrchestratorLoss[] = [];
  readonly incidents: ProcessIncident[] = [];
  natsKills = 0;
  private next = 0;
  private chain: Promise<void> = Promise.resolve();
  private quietUntil = 0;
  private done = 0;

  constructor(
    private readonly fleet: ChaosFleet,
    private readonly events: readonly ChaosEvent[],
    private readonly ledger: TaskLedger,
    private readonly settings: DriverSettings,
    private readonly log: (line: string) => void,
    /** Aborted: no further fault is started, and waits end at once. */
    private readonly signal: AbortSignal,
  ) {}

  get progress(): string {
    return `${String(this.done)}/${String(this.events.length)}`;
  }

  /** Submission is about to submit task `index`: queue the events due by then; late in the run, wait for all of them. */
  reached(index: number): Promise<void> {
    this.queueDue(index);
    return index >= this.settings.holdFrom ? this.chain : Promise.resolve();
  }

  /** Carries out every event still to come; resolves when all have been. */
  async finish(): Promise<void> {
    this.queueDue(Number.POSITIVE_INFINITY);
    await this.chain;
  }

  private queueDue(index: number): void {
    for (
      let event = this.events[this.next];
      event !== undefined && event.atTask <= index;
      event = this.events[this.next]
    ) {
      this.next++;
      const due = event;
      this.chain = this.chain.then(() => this.perform(due));
    }
  }

  private async perform(event: ChaosEvent): Promise<void> {
    if (this.isAborted()) return;
    try {
      if (event.kind === 'kill_agent') await this.killAgent(event.agent, event.downMs);
      else if (event.kind === 'restart_orchestrator') await this.restartOrchestrator(event.orchestrator, event.downMs);
      else if (event.kind === 'crash_before_send')
        await this.crashBeforeSend(event.orchestrator, event.atSend, event.downMs);
      else await this.killNats(event.node, event.downMs);
    } catch (error) {
      if (this.isAborted()) return;
      const message = error instanceof Error ? error.message : String(error);
      this.log(`chaos: ${event.kind} failed: ${message}`);
      this.incidents.push({
        process: `chaos ${event.kind}`,
        atMs: Date.now() - this.settings.startedAt,
        code: null,
        signal: null,
        lastLines: message.split('\n').slice(-12),
      });
    }
    this.done++;
  }

  /** Read afresh: the run may be interrupted while a fault is under way. */
  private isAborted(): boolean {
    return this.signal.aborted;
  }

  private async killAgent(index: number, downMs: number): Promise<void> {
    const wait = this.quietUntil - Date.now();
    if (wait > 0) await delay(wait, undefined, { signal: this.signal });
    const agentId = this.fleet.agentId(index);
    // A kill is a test of recovering in-flight work: strike while the KV shows the victim holding some (tasks take 5–30 ms).
    const busyBy = Date.now() + BUSY_WAIT_MS;
    while (this.ledger.assignedTo(agentId) === 0 && Date.now() < busyBy)
      await delay(2, undefined, { signal: this.signal });
    const assigned = this.ledger.assignedTo(agentId);
    const killedAt = await this.fleet.killAgent(index);
    let replacedAt: number | null = null;
    try {
      await delay(downMs, undefined, { signal: this.signal });
      replacedAt = Date.now();
      await this.fleet.startAgent(index);
    } finally {
      this.kills.push({ agentId, killedAt, replacedAt });
    }
    this.log(
      `chaos: SIGKILL ${agentId} (the KV showed ${String(assigned)} task(s) assigned to it); back after ${String(Date.now() - killedAt)} ms`,
    );
  }

  private async restartOrchestrator(index: number, downMs: number): Promise<void> {
    const name = this.fleet.orchestratorId(index);
    // Strike while the KV shows work handed out (the bucket does not say which orchestrator owns it).
    const busyBy = Date.now() + BUSY_WAIT_MS;
    while (this.ledger.assignedCount === 0 && Date.now() < busyBy) await delay(2, undefined, { signal: this.signal });
    const killedAt = await this.fleet.killOrchestrator(index);
    this.orchestratorLosses.push({ orchestratorId: name, how: 'sigkill', killedAt });
    this.quietUntil = Math.max(
      this.quietUntil,
      killedAt + this.settings.ackWaitMs + this.settings.orchestratorRecoveryMarginMs + 1_000,
    );
    await delay(downMs, undefined, { signal: this.signal });
    await this.fleet.startOrchestrator(index);
    this.log(`chaos: SIGKILL ${name}; back after ${String(Date.now() - killedAt)} ms`);
  }

  private async crashBeforeSend(index: number, atSend: number, downMs: number): Promise<void> {
    // Not while an earlier death's work items still wait for ackWaitMs: each death's recovery is measured on its own.
    const wait = this.quietUntil - Date.now();
    if (wait > 0) await delay(wait, undefined, { signal: this.signal });
    const name = this.fleet.orchestratorId(index);
    this.log(
      `chaos: ${name} armed to SIGKILL itself at its ${String(atSend)}th task_request from now (after the journal write, before the send)`,
    );
    let crashedAt: number;
    try {
      crashedAt = await this.fleet.crashBeforeSend(index, atSend, CRASH_WAIT_MS);
    } catch (error) {
      // It was SIGKILLed by the harness instead: still an orchestrator death, and it must come back.
      this.orchestratorLosses.push({ orchestratorId: name, how: 'sigkill', killedAt: Date.now() });
      await this.fleet.startOrchestrator(index);
      throw error;
    }
    this.orchestratorLosses.push({ orchestratorId: name, how: 'crash_before_send', killedAt: crashedAt });
    this.quietUntil = Math.max(
      this.quietUntil,
      crashedAt + this.settings.ackWaitMs + this.settings.orchestratorRecoveryMarginMs + 1_000,
    );
    await delay(downMs, undefined, { signal: this.signal });
    await this.fleet.startOrchestrator(index);
    this.log(`chaos: ${name} crashed between journal write and send; back after ${String(Date.now() - crashedAt)} ms`);
  }

  private async killNats(node: number, downMs: number): Promise<void> {
    const killedAt = Date.now();
    const name = await this.fleet.killNats(node, downMs);
    this.natsKills++;
    // Everyone reconnects and heartbeats again before the next agent dies.
    this.quietUntil = Math.max(this.quietUntil, Date.now() + 2_000);
    this.log(`chaos: SIGKILL ${name}, started again on its store; back after ${String(Date.now() - killedAt)} ms`);
  }
}
