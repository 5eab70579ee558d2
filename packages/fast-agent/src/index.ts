export { FastAgentBridge, promptOf } from './fast-agent-bridge.js';
export type { BridgedAgentState } from './fast-agent-bridge.js';
export { FastAgentMappingSchema, FastAgentOptionsSchema, FastAgentServerSchema } from './fast-agent-options.js';
export type { FastAgentOptions, FastAgentOptionsInput, FastAgentServer } from './fast-agent-options.js';
export { fastAgentTools } from './fast-agent-tool.js';
export type { FastAgentTool } from './fast-agent-tool.js';
export { CircuitBreaker } from './circuit-breaker.js';
