export { FastAgentBridge } from './fast-agent-bridge.js';
export { FastAgentServerLink, promptOf } from './fast-agent-server-link.js';
export type { BridgedAgentState } from './fast-agent-server-link.js';
export {
  DEFAULT_FAST_AGENT_CAPACITY,
  FastAgentMappingSchema,
  FastAgentOptionsSchema,
  FastAgentServerSchema,
} from './fast-agent-options.js';
export type {
  FastAgentMapping,
  FastAgentOptions,
  FastAgentOptionsInput,
  FastAgentServer,
} from './fast-agent-options.js';
export { CALL_OUTCOMES } from './fast-agent-server-stats.js';
export type { CallOutcome, FastAgentServerStats } from './fast-agent-server-stats.js';
export { fastAgentTools } from './fast-agent-tool.js';
export type { FastAgentTool } from './fast-agent-tool.js';
export { callFailureKind } from './call-failure-kind.js';
export type { CallFailureKind } from './call-failure-kind.js';
export { McpSessionPool } from './mcp-session-pool.js';
