import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, startListeningProcess } from './start-listening-process.js';

/** Where `npm run provision` puts fast-agent's venv (outside the repo; SWITCHYARD_FAST_AGENT_VENV moves it). */
export function fastAgentVenv(): string {
  return (
    process.env.SWITCHYARD_FAST_AGENT_VENV ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchyard', 'fast-agent-venv')
  );
}

/** The Python that runs fast-agent: FAST_AGENT_PYTHON, else the venv's. */
export function fastAgentPython(): string {
  return process.env.FAST_AGENT_PYTHON ?? join(fastAgentVenv(), 'bin', 'python');
}

/**
 * A ceiling, not an expectation: fast-agent (Python, many imports) prints its banner long before it
 * serves, and with both cores busy that took over 60 s in a loaded CI run.
 */
const FAST_AGENT_READY_CEILING_MS = 150_000;

export const FAST_AGENT_INSTALL_HINT =
  'fast-agent is not installed. Run `npm run provision` (it makes ~/.cache/switchyard/fast-agent-venv with Python 3.12+ and installs fast-agent-mcp), or set FAST_AGENT_PYTHON to a Python that has it.';

export interface FastAgentHandle {
  /** The Streamable HTTP endpoint, `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Serves the fast-agent agents of `agentFile` (run in its own directory, next to its
 * fastagent.config.yaml) over HTTP; `args` go to fast-agent after the transport and port
 * (`--instance-scope request`, say).
 */
export async function startFastAgent(
  agentFile: string,
  options: { readonly port?: number; readonly readyTimeoutMs?: number; readonly args?: readonly string[] } = {},
): Promise<FastAgentHandle> {
  const python = fastAgentPython();
  if (!existsSync(python)) throw new Error(FAST_AGENT_INSTALL_HINT);
  const port = options.port ?? (await freePort());
  const process_ = await startListeningProcess({
    command: python,
    args: [agentFile, '--transport', 'http', '--port', String(port), ...(options.args ?? [])],
    cwd: dirname(agentFile),
    port,
    readyTimeoutMs: options.readyTimeoutMs ?? FAST_AGENT_READY_CEILING_MS,
    installHint: FAST_AGENT_INSTALL_HINT,
    env: { PYTHONUNBUFFERED: '1' },
  });
  const url = `http://127.0.0.1:${String(port)}/mcp`;
  // The port opens before the app is ready: wait until /mcp itself answers HTTP.
  const deadline = Date.now() + (options.readyTimeoutMs ?? FAST_AGENT_READY_CEILING_MS);
  for (;;) {
    const answered = await fetch(url, {
      method: 'GET',
      headers: { accept: 'text/event-stream' },
      signal: AbortSignal.timeout(1_000),
    }).then(
      async (response) => {
        await response.body?.cancel();
        return true;
      },
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) {
      await process_.stop();
      throw new Error(`fast-agent did not answer at ${url} in time:\n${process_.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, port, pid: process_.pid, stop: () => process_.stop() };
}
