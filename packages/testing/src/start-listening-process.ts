import { spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

export interface ListeningProcess {
  readonly pid: number;
  /** What it wrote to stdout and stderr so far, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would; resolves when it has exited. */
  kill(): Promise<void>;
}

export interface ListeningProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly port: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly readyTimeoutMs: number;
  /** Said when the command does not exist. */
  readonly installHint: string;
}

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
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
 * Starts a real server process and waits until it accepts TCP connections on `port`. Fails with
 * `installHint` when the command is missing, and with its output when it exits or hangs.
 */
export async function startListeningProcess(options: ListeningProcessOptions): Promise<ListeningProcess> {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let finished: { code: number | null; error?: NodeJS.ErrnoException } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      finished = { code: null, error };
      resolve();
    });
    child.once('exit', (code) => {
      finished = { code };
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (finished !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const kill = async (): Promise<void> => {
    if (finished !== undefined) return;
    child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + options.readyTimeoutMs;
  while (!(await accepts(options.port))) {
    if (finished !== undefined) {
      if (finished.error?.code === 'ENOENT') throw new Error(options.installHint);
      throw new Error(`${options.command} exited (code ${String(finished.code)}) before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${options.command} did not accept connections on port ${String(options.port)} within ${String(options.readyTimeoutMs)} ms:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (child.pid === undefined) throw new Error(`${options.command} started without a PID`);
  return { pid: child.pid, output: () => output, stop, kill };
}
