import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsServerBinary } from './nats-server-binary.js';
import { natsServerVersion, pickNatsServerBinary, PROVISIONED_NATS_SERVER_VERSION } from './nats-server-binary.js';
import type { ListeningProcess } from './start-listening-process.js';
import { freePort, startListeningProcess } from './start-listening-process.js';

export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The server's JetStream store: a temp dir made for it, or the caller's `storeDir`. */
  readonly storeDir: string;
  /** The version the binary reports, e.g. `2.15.3` (the provisioned one) or `2.9.10` (Debian's). */
  readonly version: string;
  /** Which binary runs, and why that one (see pickNatsServerBinary). */
  readonly binary: NatsServerBinary;
  /**
   * Stops the server by PID (SIGTERM, then SIGKILL). Removes the store when it made it; a
   * `storeDir` the caller gave is kept, so another server can start on it again.
   */
  stop(): Promise<void>;
  /** SIGKILLs the server by PID (a crash: nothing flushed), then removes the store as stop does. */
  kill(): Promise<void>;
}

export interface NatsServerOptions {
  /** nats-server config file text (accounts, users, authorization, cluster ...); flags still set port and store. */
  readonly config?: string;
  readonly readyTimeoutMs?: number;
  /** A fixed port, e.g. to bring a stopped server back where its clients reconnect. */
  readonly port?: number;
  /**
   * The JetStream store to use (created if missing) instead of a new temp dir: with the port,
   * it brings a stopped server back with its streams and KV buckets. The caller owns and removes it.
   */
  readonly storeDir?: string;
}

export const NATS_SERVER_INSTALL_HINT = `nats-server is not installed. Run \`npm run provision\` (it go-installs nats-server ${PROVISIONED_NATS_SERVER_VERSION} into ~/.cache/switchyard/bin, and as root installs Debian's package), or: sudo apt-get update && sudo apt-get install -y nats-server`;

/**
 * Starts a real nats-server on a free loopback port with JetStream in a temp dir and waits until
 * it accepts connections. Runs `NATS_SERVER_BIN`, else the provisioned current server, else
 * `nats-server` on PATH (see pickNatsServerBinary). Fails with install instructions when the
 * binary is missing.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = pickNatsServerBinary();
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), 'switchyard-nats-')));
  await mkdir(storeDir, { recursive: true });
  const removeStore = (): Promise<void> =>
    ownsStore ? rm(storeDir, { recursive: true, force: true }) : Promise.resolve();
  const port = options.port ?? (await freePort());
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  if (options.config !== undefined) {
    const configPath = join(storeDir, 'nats-server.conf');
    await writeFile(configPath, options.config);
    args.push('-c', configPath);
  }
  let running: ListeningProcess;
  try {
    running = await startListeningProcess({
      command: binary.command,
      args,
      port,
      readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
      installHint: NATS_SERVER_INSTALL_HINT,
    });
  } catch (error) {
    await removeStore();
    throw error;
  }
  let version: string;
  try {
    version = await natsServerVersion(binary.command);
  } catch (error) {
    await running.stop();
    await removeStore();
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${String(port)}`,
    port,
    pid: running.pid,
    storeDir,
    version,
    binary,
    stop: async () => {
      await running.stop();
      await removeStore();
    },
    kill: async () => {
      await running.kill();
      await removeStore();
    },
  };
}
