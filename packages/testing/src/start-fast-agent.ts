import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startListeningProcess } from './start-listening-process.js';

/** Where `npm run provision` puts fast-agent: <workspace>/.venv/fast-agent. */
const defaultPython = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.venv', 'fast-agent', 'bin', 'python');

export const FAST_AGENT_INSTALL_HINT =
  'fast-agent is not installed. Run `npm run provision` (it makes .venv/fast-agent with Python 3.12+ and installs fast-agent-mcp), or set FAST_AGENT_PYTHON to a Python that has it.';

export interface FastAgentHandle {
  /** The Streamable HTTP endpoint, `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Serves the fast-agent agents of `agentFile` (run in its own directory, next to its fastagent.config.yaml) over HTTP. */
export async function startFastAgent(agentFile: string, options: { readonly port?: number; readonly readyTimeoutMs?: number } = {}): Promise<FastAgentHandle> {
  const python = process.env.FAST_AGENT_PYTHON ?? defaultPython;
  if (!existsSync(python)) throw new Error(FAST_AGENT_INSTALL_HINT);
  const port = options.port ?? (await freePort());
  const process_ = await startListeningProcess({
    command: python,
    args: [agentFile, '--transport', 'http', '--port', String(port)],
    cwd: dirname(agentFile),
    port,
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    installHint: FAST_AGENT_INSTALL_HINT,
    env: { PYTHONUNBUFFERED: '1' },
  });
  return { url: `http://127.0.0.1:${String(port)}/mcp`, port, pid: process_.pid, stop: () => process_.stop() };
}
