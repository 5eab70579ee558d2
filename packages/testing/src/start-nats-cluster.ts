import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './start-listening-process.js';
import type { NatsServerHandle } from './start-nats-server.js';
import { startNatsServer } from './start-nats-server.js';

/** One server of the cluster, across its restarts: same name, ports and store. */
export interface NatsClusterNode {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  /** Where the other nodes' routes reach it. */
  readonly clusterPort: number;
  /** Its HTTP monitoring port (`/jsz` says who leads the JetStream meta group). */
  readonly monitorPort: number;
  readonly storeDir: string;
  /** The running process's PID; undefined while it is down. */
  readonly pid: number | undefined;
  readonly isRunning: boolean;
  /** SIGTERM (it flushes and says goodbye to its routes); the store stays. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; the store stays. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and store; resolves once it sees a JetStream meta leader. */
  start(): Promise<void>;
}

export interface NatsClusterHandle {
  /** Every node's client URL: give all of them to clients, so they fail over. */
  readonly urls: readonly string[];
  readonly nodes: readonly NatsClusterNode[];
  /** The version the nodes' binary reports. */
  readonly version: string;
  readonly clusterName: string;
  /** Resolves when every running node reports a JetStream meta leader; rejects after timeoutMs. */
  waitForMetaLeader(timeoutMs?: number): Promise<string>;
  /** Stops every node and removes every store (unless the caller gave storeRoot). */
  stop(): Promise<void>;
}

export interface NatsClusterOptions {
  /** How many servers (default 3: the smallest cluster that survives losing one). */
  readonly nodes?: number;
  /** How long to wait for a node to listen and for the cluster to elect a meta leader (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** Where the nodes' stores go (one dir per node, created if missing): kept on stop. Default: a temp dir, removed on stop. */
  readonly storeRoot?: string;
}

interface JszMeta {
  readonly meta_cluster?: { readonly leader?: string; readonly cluster_size?: number };
}

async function metaLeaderSeenBy(monitorPort: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${String(monitorPort)}/jsz`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as JszMeta;
    const leader = body.meta_cluster?.leader;
    return leader === undefined || leader === '' ? undefined : leader;
  } catch {
    return undefined;
  }
}

/**
 * A real JetStream cluster on loopback: `nodes` nats-servers, each with its own name, client,
 * route and monitoring port and store dir, routed to each other under one cluster name. Resolves
 * once every node sees a JetStream meta leader. Nodes can be stopped, SIGKILLed and started again
 * on the same ports and store, one by one.
 */
export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsClusterHandle> {
  const size = options.nodes ?? 3;
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`nodes must be a whole number of at least 1, not ${String(size)}`);
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const ownsStores = options.storeRoot === undefined;
  const baseDir = options.storeRoot ?? (await mkdtemp(join(tmpdir(), 'switchyard-nats-cluster-')));
  const clusterName = 'switchyard-test';
  const layout = await Promise.all(
    Array.from({ length: size }, async (_, index) => ({
      name: `n${String(index + 1)}`,
      port: await freePort(),
      clusterPort: await freePort(),
      monitorPort: await freePort(),
      storeDir: join(baseDir, `n${String(index + 1)}`),
    })),
  );
  const configOf = (me: (typeof layout)[number]): string => {
    const routes = layout
      .filter((other) => other !== me)
      .map((other) => `nats-route://127.0.0.1:${String(other.clusterPort)}`);
    return [
      `server_name: ${me.name}`,
      `http: "127.0.0.1:${String(me.monitorPort)}"`,
      'cluster {',
      `  name: ${clusterName}`,
      `  listen: "127.0.0.1:${String(me.clusterPort)}"`,
      `  routes: [${routes.map((route) => `"${route}"`).join(', ')}]`,
      '}',
      '',
    ].join('\n');
  };
  const running = new Map<string, NatsServerHandle>();
  let version = '';

  const waitForMetaLeader = async (timeoutMs = readyTimeoutMs): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const up = layout.filter((node) => running.has(node.name));
      const leaders = await Promise.all(up.map((node) => metaLeaderSeenBy(node.monitorPort)));
      const first = leaders[0];
      if (up.length > 0 && first !== undefined && leaders.every((leader) => leader === first)) return first;
      if (Date.now() > deadline)
        throw new Error(
          `the nats cluster elected no JetStream meta leader within ${String(timeoutMs)} ms (nodes up: ${up.map((node) => node.name).join(', ') || 'none'})`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const startNode = async (node: (typeof layout)[number]): Promise<void> => {
    if (running.has(node.name)) throw new Error(`nats node ${node.name} is already running`);
    const server = await startNatsServer({
      port: node.port,
      storeDir: node.storeDir,
      config: configOf(node),
      readyTimeoutMs,
    });
    running.set(node.name, server);
    version = server.version;
  };
  const takeDown = async (node: (typeof layout)[number], how: 'stop' | 'kill'): Promise<void> => {
    const server = running.get(node.name);
    if (server === undefined) return;
    running.delete(node.name);
    await server[how]();
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all(layout.map((node) => takeDown(node, 'stop')));
    if (ownsStores) await rm(baseDir, { recursive: true, force: true });
  };

  try {
    await Promise.all(layout.map((node) => startNode(node)));
    await waitForMetaLeader();
  } catch (error) {
    await stopAll();
    throw error;
  }

  const nodes = layout.map((node): NatsClusterNode => ({
    ...node,
    url: `nats://127.0.0.1:${String(node.port)}`,
    get pid() {
      return running.get(node.name)?.pid;
    },
    get isRunning() {
      return running.has(node.name);
    },
    stop: () => takeDown(node, 'stop'),
    kill: () => takeDown(node, 'kill'),
    start: async () => {
      await startNode(node);
      await waitForMetaLeader();
    },
  }));
  return {
    urls: nodes.map((node) => node.url),
    nodes,
    get version() {
      return version;
    },
    clusterName,
    waitForMetaLeader,
    stop: stopAll,
  };
}
