import { randomBytes } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { hashToken } from '@switchyard/core';
import type { NatsServerHandle } from '@switchyard/testing';
import { freePort, startNatsServer } from '@switchyard/testing';
import type { ProcessIncident } from '../check/chaos-report.js';
import type { FleetProcessSpec, ProcessExit } from './fleet-process.js';
import { FleetProcess } from './fleet-process.js';
import type { Teardown } from './teardown.js';

// The CLI and the agents' handler run as compiled JavaScript, whether this module runs from src (tests) or dist.
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliPath = join(packageRoot, '..', '..', 'apps', 'orchestrator', 'dist', 'main.js');
const handlerPath = join(packageRoot, 'dist', 'chaos-handler.js');

const READY_TIMEOUT_MS = 30_000;
const CAPABILITY = 'chaos';

export interface FleetSettings {
  readonly workDir: string;
  readonly orchestrators: number;
  readonly agents: number;
  readonly agentCapacity: number;
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
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SWITCHYARD_'))), ...extra };
}

async function requireBuilt(path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new Error(`${path} is missing: build first (npx nx run chaos:build builds it and the orchestrator CLI)`);
  }
}

/**
 * The system under test, as real processes: one nats-server with JetStream (its store in the work
 * dir, so it can come back with its data), orchestrators sharing it with JetStream durability and
 * each serving MCP on its own port, and agent processes running the chaos handler. A process that
 * exits on its own is recorded as an incident and started again.
 */
export class ChaosFleet {
  readonly incidents: ProcessIncident[] = [];
  private readonly orchestrators: FleetProcess[];
  private readonly agents: FleetProcess[];
  /** Members that should be running: the harness took down none of them on purpose. */
  private readonly wanted = new Set<FleetProcess>();
  private stopping = false;

  private constructor(
    private readonly settings: FleetSettings,
    private readonly teardown: Teardown,
    private readonly log: (line: string) => void,
    private nats: NatsServerHandle,
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
    const nats = await startNatsServer({ storeDir: join(workDir, 'nats') });
    teardown.trackPid(nats.pid);
    const token = randomBytes(32).toString('base64url');
    const transport = { kind: 'nats', servers: [nats.url], subjectPrefix: settings.subjectPrefix, reconnect: { waitMs: 250, jitterMs: 50 } };
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
          durability: { kind: 'jetstream', orchestratorId: name, ackWaitMs: settings.ackWaitMs },
          agents: { heartbeatIntervalMs: settings.heartbeatIntervalMs, missedHeartbeats: settings.missedHeartbeats },
          tasks: { attemptTimeoutMs: settings.attemptTimeoutMs, retry: { maxAttempts: settings.maxAttempts } },
          distribution: { defaultStrategy: 'load_balanced' },
          mcp: { http: { port } },
          auth: { tokens },
          logging,
        };
        await writeFile(config, JSON.stringify(body, null, 2));
        return { name, args: ['start', '--config', config], env: childEnv({}), ready: /Press Ctrl-C to stop/, logFile: join(logsDir, `${name}.log`) };
      }),
    );
    const agents = Array.from({ length: settings.agents }, (_, index): FleetProcessSpec => {
      const name = `agent-${String(index + 1)}`;
      const args = ['agent', '--config', agentConfig, '--id', name, '--capabilities', CAPABILITY, '--capacity', String(settings.agentCapacity), '--handler', handlerPath];
      return { name, args, env: childEnv({ CHAOS_EXECUTIONS_DIR: executionsDir }), ready: new RegExp(`agent ${name} registered`), logFile: join(logsDir, `${name}.log`) };
    });
    const urls = ports.map((port) => `http://127.0.0.1:${String(port)}/mcp`);
    const fleet = new ChaosFleet(settings, teardown, log, nats, token, urls, { orchestrators, agents });
    teardown.add('stop the fleet', () => fleet.stop());
    await Promise.all(fleet.orchestrators.map((orchestrator) => fleet.bringUp(orchestrator)));
    await Promise.all(fleet.agents.map((agent) => fleet.bringUp(agent)));
    return fleet;
  }

  get natsUrl(): string {
    return this.nats.url;
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

  /** Stops nats-server (SIGTERM: it flushes its store), waits downMs and starts it again on the same port and store. */
  async restartNats(downMs: number): Promise<void> {
    const stopped = this.nats;
    await stopped.stop();
    this.teardown.forgetPid(stopped.pid);
    await delay(downMs);
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) throw new Error('the fleet is stopping: nats-server stays down');
      try {
        this.nats = await startNatsServer({ port: stopped.port, storeDir: stopped.storeDir });
        this.teardown.trackPid(this.nats.pid);
        return;
      } catch (error) {
        if (attempt === 5) throw error;
        this.log(`nats-server did not come back (${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}); trying again`);
        await delay(500);
      }
    }
  }

  /** Kills every process (the verdict is in by now: nothing to drain) and stops nats-server. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wanted.clear();
    await Promise.all([...this.agents, ...this.orchestrators].map((member) => member.close()));
    await this.nats.stop();
    this.teardown.forgetPid(this.nats.pid);
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
    this.incidents.push({ process: member.spec.name, atMs: Date.now() - this.settings.startedAt, code: exit.code, signal: exit.signal, lastLines: exit.lastLines });
    this.log(`${member.spec.name} exited on its own (code ${String(exit.code)}, signal ${String(exit.signal)}); starting it again`);
    this.keepTrying(member);
  }

  private keepTrying(member: FleetProcess): void {
    this.revive(member).catch((error: unknown) => {
      this.log(`${member.spec.name} could not be started again: ${error instanceof Error ? error.message : String(error)}`);
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
        this.log(`${member.spec.name} failed to start again: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`);
      }
    }
  }
}
