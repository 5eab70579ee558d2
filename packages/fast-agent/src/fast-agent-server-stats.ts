/** How a call to a fast-agent server ended (one count per tool call sent, plus the refusals before any). */
export const CALL_OUTCOMES = [
  'ok',
  'agent_error',
  'timeout',
  'cancelled',
  'busy',
  'session_lost',
  'connection',
  'server_error',
  'unavailable',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** One fast-agent server as the bridge sees it: for logs, `/metrics` and tests. */
export interface FastAgentServerStats {
  readonly server: string;
  /** Answering, with its agents online. */
  readonly up: boolean;
  readonly circuit: 'closed' | 'open';
  /** `sessions`: one call per MCP session (fast-agent's default); `stateless`: `--instance-scope request`. */
  readonly mode: 'sessions' | 'stateless';
  readonly sessionsOpen: number;
  /** Tool calls sent, by how they ended (`busy`: the server refused a call for a session still running one; it went to another). */
  readonly calls: Readonly<Record<CallOutcome, number>>;
  /** Calls that got an answer: their count and summed duration. */
  readonly answeredCount: number;
  readonly answeredSecondsSum: number;
  /** Times the server went down and came back. */
  readonly downs: number;
  readonly ups: number;
}
