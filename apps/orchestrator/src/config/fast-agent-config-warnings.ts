import type { OrchestratorConfig } from './orchestrator-config.js';

/**
 * What `config check` warns about in a valid fastAgent section: settings that work against each
 * other, or a stdio server that would start fast-agent's interactive mode instead of serving MCP.
 */
export function fastAgentConfigWarnings(config: Pick<OrchestratorConfig, 'fastAgent' | 'tasks'>): string[] {
  const fastAgent = config.fastAgent;
  if (fastAgent === undefined) return [];
  const warnings: string[] = [];
  const attemptTimeoutMs = config.tasks.attemptTimeoutMs;
  if (fastAgent.callTimeoutMs >= attemptTimeoutMs) {
    warnings.push(
      `fastAgent.callTimeoutMs (${String(fastAgent.callTimeoutMs)} ms) does not fit inside tasks.attemptTimeoutMs (${String(attemptTimeoutMs)} ms): the orchestrator gives up on an attempt and retries while its call still runs; make callTimeoutMs smaller`,
    );
  }
  fastAgent.servers.forEach((server, index) => {
    if (server.command === undefined) return;
    const transport = server.args.indexOf('--transport');
    if (transport < 0 || server.args[transport + 1] !== 'stdio') {
      warnings.push(
        `fastAgent.servers.${String(index)}.args: no "--transport", "stdio": fast-agent then starts its interactive mode, not an MCP server on stdio`,
      );
    }
  });
  return warnings;
}
