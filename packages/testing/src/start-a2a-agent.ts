import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, startListeningProcess } from './start-listening-process.js';

/** Where `npm run provision` puts the a2a-sdk venv (outside the repo; SWITCHYARD_A2A_VENV moves it). */
export function a2aVenv(): string {
  return (
    process.env.SWITCHYARD_A2A_VENV ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchyard', 'a2a-venv')
  );
}

export const A2A_AGENT_INSTALL_HINT =
  'The Python a2a-sdk is not installed. Run `npm run provision` (it makes ~/.cache/switchyard/a2a-venv and installs a2a-sdk[http-server]==1.3.0), or set SWITCHYARD_A2A_VENV to a venv that has it.';

/** A ceiling, not an expectation: Python's imports are slow on a loaded machine. */
const A2A_READY_CEILING_MS = 60_000;

export interface A2aAgentHandle {
  /** The agent's base URL, `http://127.0.0.1:PORT` (its card is at /.well-known/agent-card.json). */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
  /** SIGKILL: the agent vanishes without closing anything. */
  kill(): Promise<void>;
}

/** Runs a Python A2A agent script (built with a2a-sdk) with `--port PORT` and `args`, in the a2a venv. */
export async function startA2aAgent(
  script: string,
  options: { readonly port?: number; readonly args?: readonly string[] } = {},
): Promise<A2aAgentHandle> {
  const python = join(a2aVenv(), 'bin', 'python');
  if (!existsSync(python)) throw new Error(A2A_AGENT_INSTALL_HINT);
  const port = options.port ?? (await freePort());
  const process_ = await startListeningProcess({
    command: python,
    args: [script, '--port', String(port), ...(options.args ?? [])],
    cwd: dirname(script),
    port,
    readyTimeoutMs: A2A_READY_CEILING_MS,
    installHint: A2A_AGENT_INSTALL_HINT,
    env: { PYTHONUNBUFFERED: '1' },
  });
  return {
    url: `http://127.0.0.1:${String(port)}`,
    port,
    pid: process_.pid,
    stop: () => process_.stop(),
    kill: () => process_.kill(),
  };
}
