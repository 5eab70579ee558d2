import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The server's temporary JetStream store. */
  readonly storeDir: string;
  /** Stops the server by PID (SIGTERM, then SIGKILL) and removes its store. */
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /** nats-server config file text (accounts, users, authorization ...); flags still set port and store. */
  readonly config?: string;
  readonly readyTimeoutMs?: number;
  /** A fixed port, e.g. to bring a stopped server back where its clients reconnect. */
  readonly port?: number;
}

export const NATS_SERVER_INSTALL_HINT =
  'nats-server is not installed. Run `npm run provision` (as root it installs Debian\'s package), or: sudo apt-get update && sudo apt-get install -y nats-server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/**
 * Starts a real nats-server on a free loopback port with JetStream in a temp dir and waits until
 * it accepts connections. Fails with install instructions when the binary is missing.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const storeDir = await mkdtemp(join(tmpdir(), 'switchyard-nats-'));
  const port = options.port ?? (await freePort());
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  if (options.config !== undefined) {
    const configPath = join(storeDir, 'nats-server.conf');
    await writeFile(configPath, options.config);
    args.push('-c', configPath);
  }
  const child = spawn(process.env.NATS_SERVER_BIN ?? 'nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error) => {
      resolve({ code: null, error });
    });
    child.once('exit', (code) => {
      resolve({ code });
    });
  });
  let finished: { code: number | null; error?: NodeJS.ErrnoException } | undefined;
  void exited.then((outcome) => {
    finished = outcome;
  });

  const stop = async (): Promise<void> => {
    if (finished === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(storeDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  while (!(await accepts(port))) {
    if (finished !== undefined) {
      await rm(storeDir, { recursive: true, force: true });
      if (finished.error?.code === 'ENOENT') throw new Error(NATS_SERVER_INSTALL_HINT);
      throw new Error(`nats-server exited (code ${String(finished.code)}) before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nats-server did not accept connections on port ${String(port)} in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (child.pid === undefined) throw new Error('nats-server started without a PID');
  return { url: `nats://127.0.0.1:${String(port)}`, port, pid: child.pid, storeDir, stop };
}
