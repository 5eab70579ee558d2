import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { hashToken } from '@switchyard/core';
import type { NatsClusterHandle, NatsServerHandle } from '@switchyard/testing';
import { freePort, startNatsCluster, startNatsServer } from '@switchyard/testing';
import type { NatsSetup, ProcessIncident } from '../check/chaos-report.js';
import type { PlannedTaskKind } from '../plan/chaos-plan.js';
import type { FleetProcessSpec, ProcessExit } from './fleet-process.js';
import { FleetProcess } from './fleet-process.js';
import type { Teardown } from './teardown.js';

// The CLI and the agents' handler run as compiled JavaScript, whether this module runs from src (tests) or dist.
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliPath = join(packageRoot, '..', '..', 'apps', 'orchestrator', 'dist', 'main.js');
const handlerPath = join(packageRoot, 'dist', 'chaos-handler.js');

const READY_TIMEOUT_MS = 30_000;
/** Read by the orchestrator app: a file that, once it holds N, makes it SIGKILL itself at its N-th task_request. */
const CRASH_BEFORE_SEND_FILE_ENV = 'CHAOS_CRASH_BEFORE_SEND_FILE';

/** The capability each kind of task requires, and so which agents may run it. */
export function capabilityOf(kind: PlannedTaskKind): string {
  if (kind === 'narrow') return 'narrow';
  if (kind === 'hang_until_aborted') return 'hang';
  return 'chaos';
}

export interface FleetSettings {
  readonly workDir: string;
  readonly orchestrators: number;
  readonly agents: number;
  readonly agentCapacity: number;
  /** nats-server nodes: 1, or a JetStream cluster of that many. */
  readonly natsNodes: number;
  /** Capacity of the one agent that serves narrow tasks (both orchestrators overfill it). */
  readonly narrowCapacity: number;
  /** Capacity of the one agent that serves hang_until_aborted tasks. */
  readonly hangCapacity: number;
  readonly subjectPrefix: string;
  readonly ackWaitMs: number;
  readonly heartbeatIntervalMs: number;
  readonly missedHeartbeats: number;
  readonly maxAttempts: number;
  readonly attemptTimeoutMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** When the run started, for the times in incidents. */
  readonly startedAt: number;
}

/** The environment without SWITCHYARD_* variables, which would reconfigure the children behind the harness's back. */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SWITCHYARD_'))),
    ...extra,
  };
}

async function requireBuilt(path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new Error(`${path} is missing: build first (npx nx run chaos:build builds it and the orchestrator CLI)`);
  }
}

/** One nats-server, or a cluster: its client URLs and how to kill one node and bring it back. */
type NatsBackend =
  | { readonly kind: 'single'; server: NatsServerHandle }
  | { readonly kind: 'cluster'; readonly cluster: NatsClusterHandle };

/**
 * The system under test, as real processes: nats-server with JetStream (one node, or a cluster
 * with replicas 3; stores in the work dir, so a node comes back with its data), orchestrators
 * sharing it with JetStream durability and each serving MCP on its own port, the ordinary agent
 * processes running the chaos handler, one narrow agent of small capacity and one hang agent.
 * A process that exits on its own is recorded as an incident and started again, except an
 * orchestrator armed to crash between journal write and send.
 */
export class ChaosFleet {
  readonly incidents: ProcessIncident[] = [];
  private readonly orchestrators: FleetProcess[];
  private readonly agents: FleetProcess[];
  /** Members that should be running: the harness took down none of them on purpose. */
  private readonly wanted = new Set<FleetProcess>();
  /** Orchestrators armed to crash before a send: resolved with the time their exit was seen. */
  private readonly crashing = new Map<FleetProcess, (at: number) => void>();
  private stopping = false;

  private constructor(
    private readonly settings: FleetSettings,
    private readonly teardown: Teardown,
    private readonly log: (line: string) => void,
    private readonly nats: NatsBackend,
    /** The admin token the MCP clients use. */
    readonly token: string,
    readonly mcpUrls: readonly string[],
    specs: { readonly orchestrators: readonly FleetProcessSpec[]; readonly agents: readonly FleetProcessSpec[] },
  ) {
    const member = (spec: FleetProcessSpec): FleetProcess =>
      new FleetProcess(spec, cliPath, teardown, (process, exit) => {
        this.unexpectedExit(process, exit);
      });
    this.orchestrators = specs.orchestrators.map(member);
    this.agents = specs.agents.map(member);
  }

  /** Writes the configs and starts nats-server, the orchestrators and the agents. */
  static async start(settings: FleetSettings, teardown: Teardown, log: (line: string) => void): Promise<ChaosFleet> {
    await requireBuilt(cliPath);
    await requireBuilt(handlerPath);
    const { workDir } = settings;
    const executionsDir = join(workDir, 'executions');
    const logsDir = join(workDir, 'logs');
    await mkdir(executionsDir, { recursive: true });
    await mkdir(logsDir, { recursive: true });
    let nats: NatsBackend;
    if (settings.natsNodes > 1) {
      const cluster = await startNatsCluster({ nodes: settings.natsNodes, storeRoot: join(workDir, 'nats') });
      teardown.add('stop the nats cluster', () => cluster.stop());
      for (const node of cluster.nodes) if (node.pid !== undefined) teardown.trackPid(node.pid);
      nats = { kind: 'cluster', cluster };
    } else {
      const server = await startNatsServer({ storeDir: join(workDir, 'nats') });
      teardown.trackPid(server.pid);
      nats = { kind: 'single', server };
    }
    const servers = nats.kind === 'cluster' ? [...nats.cluster.urls] : [nats.server.url];
    const replicas = Math.min(3, settings.natsNodes);
    const token = randomBytes(32).toString('base64url');
    const transport = {
      kind: 'nats',
      servers,
      subjectPrefix: settings.subjectPrefix,
      reconnect: { waitMs: 250, jitterMs: 50 },
    };
    const logging = { level: settings.logLevel };
    const agentConfig = join(workDir, 'agent.json');
    await writeFile(agentConfig, JSON.stringify({ transport, logging }, null, 2));

    const ports = await Promise.all(Array.from({ length: settings.orchestrators }, () => freePort()));
    const tokens = [{ name: 'chaos', sha256: await hashToken(token), permissions: ['admin'] }];
    const orchestrators = await Promise.all(
      ports.map(async (port, index): Promise<FleetProcessSpec> => {
        const name = `orch-${String(index + 1)}`;
        const config = join(workDir, `${name}.json`);
        const body = {
          transport,
          durability: { kind: 'jetstream', orchestratorId: name, ackWaitMs: settings.ackWaitMs, replicas },
          agents: { heartbeatIntervalMs: settings.heartbeatIntervalMs, missedHeartbeats: settings.missedHeartbeats },
          tasks: { attemptTimeoutMs: settings.attemptTimeoutMs, retry: { maxAttempts: settings.maxAttempts } },
          distribution: { defaultStrategy: 'load_balanced' },
          mcp: { http: { port } },
          auth: { tokens },
          logging,
        };
        await writeFile(config, JSON.stringify(body, null, 2));
        const crashFile = join(workDir, `crash-before-send-${name}`);
        return {
          name,
          args: ['start', '--config', config],
          env: childEnv({ [CRASH_BEFORE_SEND_FILE_ENV]: crashFile }),
          ready: /Press Ctrl-C to stop/,
          logFile: join(logsDir, `${name}.log`),
          crashFile,
        };
      }),
    );
    const agent = (name: string, capability: string, capacity: number): FleetProcessSpec => {
      const args = [
        'agent',
        '--config',
        agentConfig,
        '--id',
        name,
        '--capabilities',
        capability,
        '--capacity',
        String(capacity),
        '--handler',
        handlerPath,
      ];
      return {
        name,
        args,
        env: childEnv({ CHAOS_EXECUTIONS_DIR: executionsDir }),
        ready: new RegExp(`agent ${name} registered`),
        logFile: join(logsDir, `${name}.log`),
      };
    };
    // The ordinary agents first: the plan's agent kills pick among them by index.
    const agents = [
      ...Array.from({ length: settings.agents }, (_, index) =>
        agent(`agent-${String(index + 1)}`, capabilityOf('plain'), settings.agentCapacity),
      ),
      agent('agent-narrow', capabilityOf('narrow'), settings.narrowCapacity),
      agent('agent-hang', capabilityOf('hang_until_aborted'), settings.hangCapacity),
    ];
    const urls = ports.map((port) => `http://127.0.0.1:${String(port)}/mcp`);
    const fleet = new ChaosFleet(settings, teardown, log, nats, token, urls, { orchestrators, agents });
    teardown.add('stop the fleet', () => fleet.stop());
    await Promise.all(fleet.orchestrators.map((orchestrator) => fleet.bringUp(orchestrator)));
    await Promise.all(fleet.agents.map((agent) => fleet.bringUp(agent)));
    return fleet;
  }

  /** Every nats-server's client URL (the observer fails over between them). */
  get natsUrls(): readonly string[] {
    return this.nats.kind === 'cluster' ? this.nats.cluster.urls : [this.nats.server.url];
  }

  get natsSetup(): NatsSetup {
    const version = this.nats.kind === 'cluster' ? this.nats.cluster.version : this.nats.server.version;
    return { version, nodes: this.settings.natsNodes, replicas: Math.min(3, this.settings.natsNodes) };
  }

  get executionsDir(): string {
    return join(this.settings.workDir, 'executions');
  }

  agentId(index: number): string {
    return this.pick(this.agents, index).spec.name;
  }

  orchestratorId(index: number): string {
    return this.pick(this.orchestrators, index).spec.name;
  }

  /** SIGKILLs an agent process; returns the time just before the signal. */
  killAgent(index: number): Promise<number> {
    return this.takeDown(this.pick(this.agents, index));
  }

  /** Starts an agent process again; returns when it had registered. */
  async startAgent(index: number): Promise<number> {
    await this.bringUp(this.pick(this.agents, index));
    return Date.now();
  }

  killOrchestrator(index: number): Promise<number> {
    return this.takeDown(this.pick(this.orchestrators, index));
  }

  async startOrchestrator(index: number): Promise<void> {
    await this.bringUp(this.pick(this.orchestrators, index));
  }

  /**
   * Arms the orchestrator to SIGKILL itself as it would send its `atSend`-th task_request from now
   * on (after the journal write), and waits for that exit; returns when it was seen. It stays down
   * until startOrchestrator. Rejects after timeoutMs if it never sent that many (it is then
   * SIGKILLed by the harness, so it does not crash later unplanned).
   */
  async crashBeforeSend(index: number, atSend: number, timeoutMs: number): Promise<number> {
    const member = this.pick(this.orchestrators, index);
    const file = member.spec.crashFile;
    if (file === undefined) throw new Error(`${member.spec.name} cannot be armed to crash`);
    const crashed = new Promise<number>((resolve) => {
      this.crashing.set(member, resolve);
    });
    this.wanted.delete(member);
    await writeFile(`${file}.tmp`, `${String(atSend)}\n`);
    await rename(`${file}.tmp`, file);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      crashed,
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => {
          resolve('timeout');
        }, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== 'timeout') return outcome;
    this.crashing.delete(member);
    rmSync(file, { force: true });
    await member.kill('SIGKILL');
    throw new Error(
      `${member.spec.name} did not send ${String(atSend)} task_request(s) within ${String(timeoutMs)} ms; SIGKILLed it instead`,
    );
  }

  /** SIGKILLs a nats-server node (the only one, or one of the cluster), waits downMs and starts it again on the same port and store. */
  async killNats(node: number, downMs: number): Promise<string> {
    if (this.nats.kind === 'cluster') {
      const victim = this.nats.cluster.nodes[node % this.nats.cluster.nodes.length];
      if (victim === undefined) throw new Error(`no nats node ${String(node)}`);
      const pid = victim.pid;
      await victim.kill();
      if (pid !== undefined) this.teardown.forgetPid(pid);
      await delay(downMs);
      if (this.stopping) throw new Error('the fleet is stopping: nats-server stays down');
      await victim.start();
      if (victim.pid !== undefined) this.teardown.trackPid(victim.pid);
      return victim.name;
    }
    const killed = this.nats.server;
    await killed.kill();
    this.teardown.forgetPid(killed.pid);
    await delay(downMs);
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) throw new Error('the fleet is stopping: nats-server stays down');
      try {
        this.nats.server = await startNatsServer({ port: killed.port, storeDir: killed.storeDir });
        this.teardown.trackPid(this.nats.server.pid);
        return 'nats-server';
      } catch (error) {
        if (attempt === 5) throw error;
        this.log(
          `nats-server did not come back (${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}); trying again`,
        );
        await delay(500);
      }
    }
  }

  /** Kills every process (the verdict is in by now: nothing to drain) and stops nats-server. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wanted.clear();
    await Promise.all([...this.agents, ...this.orchestrators].map((member) => member.close()));
    if (this.nats.kind === 'cluster') {
      const pids = this.nats.cluster.nodes.map((node) => node.pid);
      await this.nats.cluster.stop();
      for (const pid of pids) if (pid !== undefined) this.teardown.forgetPid(pid);
    } else {
      await this.nats.server.stop();
      this.teardown.forgetPid(this.nats.server.pid);
    }
  }

  private pick(members: readonly FleetProcess[], index: number): FleetProcess {
    const member = members[index];
    if (member === undefined) throw new Error(`no fleet member ${String(index)}`);
    return member;
  }

  private async takeDown(member: FleetProcess): Promise<number> {
    this.wanted.delete(member);
    const at = Date.now();
    await member.kill('SIGKILL');
    return at;
  }

  /** Starts a member; if it fails, it is tried again in the background (and the failure thrown), as it is still wanted. */
  private async bringUp(member: FleetProcess): Promise<void> {
    if (this.stopping) throw new Error(`the fleet is stopping: ${member.spec.name} stays down`);
    this.wanted.add(member);
    try {
      await member.start(READY_TIMEOUT_MS);
    } catch (error) {
      this.keepTrying(member);
      throw error;
    }
  }

  private unexpectedExit(member: FleetProcess, exit: ProcessExit): void {
    const crashed = this.crashing.get(member);
    if (crashed !== undefined) {
      // The planned crash: disarm before anything can start it again.
      this.crashing.delete(member);
      if (member.spec.crashFile !== undefined) rmSync(member.spec.crashFile, { force: true });
      crashed(Date.now());
      return;
    }
    this.incidents.push({
      process: member.spec.name,
      atMs: Date.now() - this.settings.startedAt,
      code: exit.code,
      signal: exit.signal,
      lastLines: exit.lastLines,
    });
    this.log(
      `${member.spec.name} exited on its own (code ${String(exit.code)}, signal ${String(exit.signal)}); starting it again`,
    );
    this.keepTrying(member);
  }

  private keepTrying(member: FleetProcess): void {
    this.revive(member).catch((error: unknown) => {
      this.log(
        `${member.spec.name} could not be started again: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  /** Wanted and not running (checked afresh: it changes while revive waits). */
  private isMissing(member: FleetProcess): boolean {
    return !this.stopping && this.wanted.has(member) && !member.isRunning;
  }

  /** Starts a wanted member that is not running again, until it is up or the harness no longer wants it. */
  private async revive(member: FleetProcess): Promise<void> {
    for (let attempt = 1; this.isMissing(member); attempt++) {
      await delay(Math.min(2_000, 250 * attempt));
      if (!this.isMissing(member)) return;
      try {
        await member.start(READY_TIMEOUT_MS);
      } catch (error) {
        this.log(
          `${member.spec.name} failed to start again: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`,
        );
      }
    }
  }
}
