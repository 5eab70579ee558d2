import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ChaosReport } from '../check/chaos-report.js';
import { buildChaosReport } from '../check/chaos-report.js';
import { isFinal, TaskLedger } from '../check/task-ledger.js';
import { planChaos } from '../plan/chaos-plan.js';
import { seededRandom } from '../plan/seeded-random.js';
import { submissionRate } from '../plan/submission-rate.js';
import { ChaosDriver } from './chaos-driver.js';
import { capabilityOf, ChaosFleet } from './chaos-fleet.js';
import { KvTaskObserver, tasksBucket } from './kv-task-observer.js';
import { readExecutions } from './read-executions.js';
import { TaskSubmitter } from './task-submitter.js';
import { Teardown } from './teardown.js';

export interface ChaosSettings {
  readonly tasks: number;
  readonly seed: number;
  readonly orchestrators: number;
  readonly agents: number;
  readonly agentKills: number;
  readonly agentCapacity: number;
  /** nats-server nodes: 3 is a JetStream cluster with replicas 3; 1 a single server. */
  readonly natsNodes: number;
  /** nats-server SIGKILLs (of a random node of the cluster), spread over 55–75 % of the run. */
  readonly natsKills: number;
  /** Whether one orchestrator crashes between a journal write and its send. */
  readonly crashBeforeSend: boolean;
  /** Share of the tasks only the narrow agent serves (in pairs, one to each orchestrator). */
  readonly narrowShare: number;
  readonly narrowCapacity: number;
  /** Tasks whose first attempt hangs until it is cancelled (on the hang agent, of hangCapacity). */
  readonly hangUntilAborted: number;
  readonly hangCapacity: number;
  /** Tasks whose first attempt never returns, even when cancelled (on an ordinary agent). */
  readonly hangForever: number;
  /** Most tasks submitted and not yet final at once. */
  readonly window: number;
  readonly ackWaitMs: number;
  readonly heartbeatIntervalMs: number;
  readonly missedHeartbeats: number;
  readonly maxAttempts: number;
  /**
   * How long an agent may hold a task before the attempt is retried elsewhere. The handler takes
   * at most 30 ms, so 10 s is generous; it bounds the wait for an answer that was lost on the way
   * (an agent that stays alive is never presumed dead).
   */
  readonly attemptTimeoutMs: number;
  /** After the last submission, how long every accepted task has to become final. */
  readonly drainTimeoutMs: number;
  readonly goalMaxRecoveryMs: number;
  /** Beyond ackWaitMs: how long an orchestrator's death may hold its in-flight work. */
  readonly goalOrchestratorRecoveryMarginMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Keep the work dir (configs, logs, execution files, nats store) instead of removing it. */
  readonly keepWorkDir: boolean;
}

export const DEFAULT_CHAOS_SETTINGS: Omit<ChaosSettings, 'seed'> = {
  tasks: 10_000,
  orchestrators: 2,
  agents: 5,
  agentKills: 12,
  agentCapacity: 16,
  natsNodes: 3,
  natsKills: 2,
  crashBeforeSend: true,
  narrowShare: 0.04,
  narrowCapacity: 1,
  hangUntilAborted: 6,
  hangCapacity: 2,
  hangForever: 3,
  window: 200,
  ackWaitMs: 5_000,
  heartbeatIntervalMs: 250,
  missedHeartbeats: 3,
  maxAttempts: 5,
  attemptTimeoutMs: 10_000,
  drainTimeoutMs: 120_000,
  goalMaxRecoveryMs: 2_000,
  goalOrchestratorRecoveryMarginMs: 2_000,
  logLevel: 'warn',
  keepWorkDir: false,
};

export interface ChaosOutcome {
  readonly report: ChaosReport;
  /** Where the configs, logs and execution files are, when kept. */
  readonly workDir: string | undefined;
}

const SUBJECT_PREFIX = 'chaos';
const PROGRESS_MS = 2_000;

/**
 * The chaos run: a real nats-server cluster (or one server), orchestrators and agent processes;
 * the planned tasks submitted through MCP while agents, orchestrators and nats-server nodes are
 * SIGKILLed and started again, an orchestrator crashes between journal write and send, two
 * orchestrators overfill a small agent and some handlers hang;
 * then, once every accepted task is final (or the drain time is up), the verdict from the KV
 * bucket. Every process and the work dir are gone when it returns or throws (and if `signal`
 * aborts it).
 */
export async function runChaos(
  settings: ChaosSettings,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<ChaosOutcome> {
  const startedAt = Date.now();
  const elapsed = (): string => `${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s`;
  const say = (line: string): void => {
    log(`[${elapsed()}] ${line}`);
  };
  const teardown = new Teardown();
  let aborted: (() => void) | undefined;
  const abortedNow = new Promise<never>((_, reject) => {
    aborted = () => {
      reject(new Error('the chaos run was interrupted'));
    };
  });
  abortedNow.catch(() => undefined);
  signal.addEventListener('abort', () => aborted?.(), { once: true });
  try {
    const workDir = await mkdtemp(join(tmpdir(), 'switchyard-chaos-'));
    if (!settings.keepWorkDir) {
      teardown.removeOnExit(workDir);
      teardown.add('remove the work dir', () => rm(workDir, { recursive: true, force: true }));
    }
    const plan = planChaos(settings, seededRandom(settings.seed));
    say(
      `seed ${String(settings.seed)}: ${String(settings.tasks)} tasks, ${String(plan.events.length)} faults; starting ${settings.natsNodes > 1 ? `a ${String(settings.natsNodes)}-node nats-server cluster` : 'nats-server'}, ${String(settings.orchestrators)} orchestrators and ${String(settings.agents)} + 2 agents in ${workDir}`,
    );
    const fleet = await Promise.race([
      ChaosFleet.start({ ...settings, workDir, subjectPrefix: SUBJECT_PREFIX, startedAt }, teardown, say),
      abortedNow,
    ]);
    say(
      `nats-server ${fleet.natsSetup.version}, ${String(fleet.natsSetup.nodes)} node(s), replicas ${String(fleet.natsSetup.replicas)}`,
    );

    const ledger = new TaskLedger();
    const observer = new KvTaskObserver(fleet.natsUrls, tasksBucket(SUBJECT_PREFIX), ledger, say);
    teardown.add('stop the observer', () => observer.stop());
    await Promise.race([observer.start(30_000), abortedNow]);

    const tasksPerSecond = submissionRate(plan.events, settings.tasks, settings.ackWaitMs);
    const submitter = new TaskSubmitter(
      {
        urls: fleet.mcpUrls,
        token: fleet.token,
        capabilityOf: (task) => capabilityOf(task.kind),
        window: settings.window,
        tasksPerSecond,
        callTimeoutMs: 10_000,
        giveUpAfterMs: 120_000,
        windowPatienceMs: 10_000,
      },
      ledger,
    );
    teardown.add('close the MCP clients', () => submitter.close());
    const driver = new ChaosDriver(
      fleet,
      plan.events,
      ledger,
      {
        holdFrom: Math.floor(settings.tasks * 0.95),
        ackWaitMs: settings.ackWaitMs,
        orchestratorRecoveryMarginMs: settings.goalOrchestratorRecoveryMarginMs,
        startedAt,
      },
      say,
      signal,
    );
    const progress = setInterval(() => {
      say(
        `submitted ${String(submitter.submitted)}/${String(settings.tasks)} · final ${String(ledger.finishedCount)} · KV revisions ${String(observer.stats().revisions)} · faults ${driver.progress}`,
      );
    }, PROGRESS_MS);
    teardown.add('stop the progress line', () => {
      clearInterval(progress);
      return Promise.resolve();
    });

    say(`submitting at up to ${tasksPerSecond.toFixed(0)} tasks/s, at most ${String(settings.window)} open at once`);
    await Promise.race([submitter.submitAll(plan.tasks, (index) => driver.reached(index), signal), abortedNow]);
    await Promise.race([driver.finish(), abortedNow]);
    say('every task submitted and every fault done; waiting for the accepted tasks to finish');
    const { accepted } = submitter.stats();
    const drainDeadline = Date.now() + settings.drainTimeoutMs;
    const open = (): number => [...accepted].filter((id) => !isFinal(ledger.get(id)?.latest)).length;
    while (open() > 0 && Date.now() < drainDeadline) await Promise.race([delay(200), abortedNow]);
    await observer.stopWatching();
    await observer.readAll();
    clearInterval(progress);
    const durationMs = Date.now() - startedAt;
    const executions = await readExecutions(fleet.executionsDir);
    const report = buildChaosReport({
      seed: settings.seed,
      plan,
      startedAt,
      durationMs,
      ledger,
      submission: submitter.stats(),
      observer: observer.stats(),
      kills: driver.kills,
      orchestratorLosses: driver.orchestratorLosses,
      natsKills: driver.natsKills,
      nats: fleet.natsSetup,
      executions: executions.counts,
      executionsPerTask: executions.perTask,
      incidents: [...fleet.incidents, ...driver.incidents].sort((a, b) => a.atMs - b.atMs),
      goalMaxRecoveryMs: settings.goalMaxRecoveryMs,
      goalMaxOrchestratorRecoveryMs: settings.ackWaitMs + settings.goalOrchestratorRecoveryMarginMs,
    });
    return { report, workDir: settings.keepWorkDir ? workDir : undefined };
  } finally {
    const failures = await teardown.run();
    for (const failure of failures) log(`cleanup: ${failure}`);
  }
}
