import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FastAgentHandle, NatsServerHandle } from '@switchyard/testing';
import { startFastAgent, startNatsServer } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot, CliProcess } from './cli-process.js';

const fixture = join(appRoot, '..', '..', 'packages', 'fast-agent', 'fixtures', 'fast-agent', 'agent.py');

const fastAgentSection = (url: string): string => `fastAgent:
  servers:
    - { name: fixture, url: "${url}" }
  agents:
    - { name: summarizer, agentId: fa-summarizer, capabilities: [summarize], priority: 2 }
    - { name: translator, agentId: fa-translator, capabilities: [translate] }
  refreshIntervalMs: 500
`;

/** Runs one task through the orchestrator's MCP endpoint, as an MCP client would. */
async function summarizeThroughMcp(daemon: CliProcess, prompt: string): Promise<unknown> {
  const url = /MCP \(HTTP\):\s+(\S+)/.exec(daemon.stdout)?.[1] as string;
  const token = /admin token:\s+(\S+)/.exec(daemon.stdout)?.[1] as string;
  const client = new Client({ name: 'e2e-fast-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  try {
    const created = (await client.callTool({ name: 'create_task', arguments: { task_type: 'summary', required_capabilities: ['summarize'], task_data: { prompt } } })) as CallToolResult;
    const taskId = (created.structuredContent as { task: { id: string } }).task.id;
    const executed = (await client.callTool({ name: 'execute_task', arguments: { task_id: taskId, timeout_ms: 30_000 } })) as CallToolResult;
    return executed.structuredContent;
  } finally {
    await client.close();
  }
}

describe('fast-agent agents in Switchyard', () => {
  let fastAgent: FastAgentHandle;
  let configDir: string;
  beforeAll(async () => {
    fastAgent = await startFastAgent(fixture);
    configDir = await mkdtemp(join(tmpdir(), 'switchyard-fast-agent-'));
  }, 300_000);
  afterAll(async () => {
    await fastAgent.stop();
  });

  it('join inside the orchestrator (fastAgent in its config) and answer tasks', async () => {
    const config = join(configDir, 'inside.yaml');
    await writeFile(config, `logging:\n  level: warn\n${fastAgentSection(fastAgent.url)}`);
    const daemon = new CliProcess(['start', '--config', config]);
    try {
      await daemon.waitFor(/Press Ctrl-C to stop/);
      expect(daemon.stdout).toContain('fast-agent:        fa-summarizer (fixture/summarizer), fa-translator (fixture/translator)');
      expect(await summarizeThroughMcp(daemon, 'route me to fast-agent')).toMatchObject({ result: { agentId: 'fa-summarizer', status: 'completed', result: { text: 'route me to fast-agent' } } });
    } finally {
      daemon.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
    }
  }, 300_000);

  it('join an orchestrator in another process through switchyard fast-agent-bridge over NATS', async () => {
    const nats: NatsServerHandle = await startNatsServer();
    const transport = `transport:\n  kind: nats\n  servers: ["${nats.url}"]\n`;
    const orchestratorConfig = join(configDir, 'orchestrator.yaml');
    const bridgeConfig = join(configDir, 'bridge.yaml');
    await writeFile(orchestratorConfig, `${transport}logging:\n  level: info\n`);
    await writeFile(bridgeConfig, `${transport}logging:\n  level: warn\n${fastAgentSection(fastAgent.url)}`);
    const daemon = new CliProcess(['start', '--config', orchestratorConfig]);
    let bridge: CliProcess | undefined;
    try {
      await daemon.waitFor(/Press Ctrl-C to stop/);
      bridge = new CliProcess(['fast-agent-bridge', '--config', bridgeConfig]);
      await bridge.waitFor(/fast-agent bridge over nats .*: fa-summarizer \(fixture\/summarizer\), fa-translator \(fixture\/translator\)/, 30_000);
      expect(await summarizeThroughMcp(daemon, 'across processes')).toMatchObject({ result: { agentId: 'fa-summarizer', result: { text: 'across processes' } } });
      bridge.kill('SIGTERM');
      expect((await bridge.exited).code).toBe(0);
      await daemon.waitFor(/agent unregistered agentId=fa-summarizer/);
    } finally {
      bridge?.kill('SIGKILL');
      daemon.kill('SIGTERM');
      await daemon.exited;
      await nats.stop();
    }
  }, 300_000);
});
