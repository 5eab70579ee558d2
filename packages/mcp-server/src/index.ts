export { createSwitchyardMcpServer } from './create-switchyard-mcp-server.js';
export type { SwitchyardMcpServerParts } from './create-switchyard-mcp-server.js';
export { AgentMailboxes } from './agent-mailboxes.js';
export { SWITCHYARD_TOOLS } from './switchyard-tools.js';
export type { SwitchyardTool, ToolContext } from './switchyard-tools.js';
export { McpHttpServer } from './mcp-http-server.js';
export type { McpHttpServerOptions } from './mcp-http-server.js';
export { McpHttpOptionsSchema } from './mcp-http-options.js';
export type { McpHttpOptions } from './mcp-http-options.js';
