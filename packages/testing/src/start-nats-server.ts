import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startListeningProcess } from './start-listening-process.js';

export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The server's JetStream store: a temp dir made for it, or the caller's `storeDir`. */
  readonly storeDir: string;
  /**
   * Stops the server by PID (SIGTERM, then SIGKILL). Removes the store when it made it; a
   * `storeDir` the caller gave is kept, so another server can start on it again.
   */
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /** nats-server config file text (accounts, users, authorization ...); flags still set port and store. */
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

export const NATS_SERVER_INSTALL_HINT =
  'nats-server is not installed. Run `npm run provision` (as root it installs Debian\'s package), or: sudo apt-get update && sudo apt-get install -y nats-server';

/**
 * Starts a real nats-server on a free loopback port with JetStream in a temp dir and waits until
 * it accepts connections. Fails with install instructions when the binary is missing.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), 'switchyard-nats-')));
  await mkdir(storeDir, { recursive: true });
  const removeStore = (): Promise<void> => (ownsStore ? rm(storeDir, { recursive: true, force: true }) : Promise.resolve());
  const port = options.port ?? (await freePort());
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  if (options.config !== undefined) {
    const configPath = join(storeDir, 'nats-server.conf');
    await writeFile(configPath, options.config);
    args.push('-c', configPath);
  }
  let server;
  try {
    server = await startListeningProcess({
      command: process.env.NATS_SERVER_BIN ?? 'nats-server',
      args,
      port,
      readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
      installHint: NATS_SERVER_INSTALL_HINT,
    });
  } catch (error) {
    await removeStore();
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${String(port)}`,
    port,
    pid: server.pid,
    storeDir,
    stop: async () => {
      await server.stop();
      await removeStore();
    },
  };
}
