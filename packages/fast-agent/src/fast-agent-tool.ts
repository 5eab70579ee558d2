/** A fast-agent agent as its MCP server exposes it. */
export interface FastAgentTool {
  /** The agent's name. */
  readonly agent: string;
  /** The MCP tool to call for it. */
  readonly tool: string;
}

interface ListedTool {
  readonly name: string;
  readonly inputSchema?: { readonly properties?: Record<string, unknown> };
}

/**
 * Finds the agents among a fast-agent server's tools. Both shapes are known: 0.8 and later name
 * the tool after the agent; 0.2.x names it `<agent>_send`. Either takes `{ message }`; tools
 * without a `message` input are not agents.
 */
export function fastAgentTools(tools: readonly ListedTool[]): FastAgentTool[] {
  const agents: FastAgentTool[] = [];
  for (const tool of tools) {
    if (tool.inputSchema?.properties?.message === undefined) continue;
    const agent = tool.name.endsWith('_send') ? tool.name.slice(0, -'_send'.length) : tool.name;
    if (agent.length > 0) agents.push({ agent, tool: tool.name });
  }
  return agents;
}
