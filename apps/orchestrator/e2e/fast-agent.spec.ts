// README's fast-agent section, run as written (HTTP and stdio), and the bridge as its own process over NATS.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FastAgentHandle, NatsServerHandle } from '@switchyard/testing';
import { fastAgentVenv, freePort, startFastAgent, startNatsServer } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot, CliProcess } from './cli-process.js';

const readme = join(appRoot, '..', '..', 'README.md');
const PROVISIONED_VENV = '~/.cache/switchyard/fast-agent-venv';

/** The code block right after `<!-- fast-agent:NAME -->` in README.md. */
async function readmeBlock(name: string): Promise<string> {
  const text = await readFile(readme, 'utf8');
  const match = new RegExp(`<!-- fast-agent:${name.replace(/\./g, '\\.')} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(
    text,
  );
  if (match?.[1] === undefined) throw new Error(`README.md has no fast-agent:${name} block`);
  // Where this machine's venv is, if provisioned elsewhere (SWITCHYARD_FAST_AGENT_VENV).
  return match[1].replaceAll(PROVISIONED_VENV, fastAgentVenv());
}

/** The MCP endpoint and admin token the daemon printed. */
function endpoint(daemon: CliProcess): { url: string; token: string } {
  return {
    url: /MCP \(HTTP\):\s+(\S+)/.exec(daemon.stdout)?.[1] as string,
    token: /admin token:\s+(\S+)/.exec(daemon.stdout)?.[1] as string,
  };
}

/** Runs one task through the orchestrator's MCP endpoint, as an MCP client would. */
async function summarizeThroughMcp(daemon: CliProcess, prompt: string): Promise<unknown> {
  const { url, token } = endpoint(daemon);
  const client = new Client({ name: 'e2e-fast-agent', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }),
  );
  try {
    const created = (await client.callTool({
      name: 'create_task',
      arguments: { task_type: 'summary', required_capabilities: ['summarize'], task_data: { prompt } },
    })) as CallToolResult;
    const taskId = (created.structuredContent as { task: { id: string } }).task.id;
    const executed = (await client.callTool({
      name: 'execute_task',
      arguments: { task_id: taskId, timeout_ms: 30_000 },
    })) as CallToolResult;
    return executed.structuredContent;
  } finally {
    await client.close();
  }
}

const banner = 'fast-agent:        summarizer-1 (fleet/summarizer), translator-1 (fleet/translator)';

describe("README's fast-agent section, run as written", () => {
  let fleetDir: string;
  let fastAgent: FastAgentHandle;
  let httpConfig: string;

  beforeAll(async () => {
    fleetDir = await mkdtemp(join(tmpdir(), 'switchyard-fast-agent-'));
    await writeFile(join(fleetDir, 'agents.py'), await readmeBlock('agents.py'));
    await writeFile(join(fleetDir, 'fastagent.config.yaml'), await readmeBlock('fastagent.config.yaml'));
    // The serve command as written, on a free port instead of 8080 (tests run side by side).
    const serve = (await readmeBlock('serve')).trim();
    expect(serve).toBe(`${join(fastAgentVenv(), 'bin', 'python')} agents.py --transport http --port 8080`);
    const port = await freePort();
    fastAgent = await startFastAgent(join(fleetDir, 'agents.py'), { port });
    httpConfig = (await readmeBlock('switchyard.yaml')).replace('127.0.0.1:8080', `127.0.0.1:${String(port)}`);
    await writeFile(join(fleetDir, 'switchyard.yaml'), httpConfig);
  }, 300_000);

  afterAll(async () => {
    await fastAgent.stop();
  });

  it('config check accepts the config without warnings', async () => {
    const check = new CliProcess(['config', 'check', '--config', join(fleetDir, 'switchyard.yaml')]);
    expect((await check.exited).code).toBe(0);
    expect(check.stdout).toContain('fast-agent:       1 server(s), 2 mapped agent(s)');
    expect(check.stdout).not.toContain('warning');
  });

  it('HTTP: the agents join the orchestrator, answer tasks, and the server shows on /metrics', async () => {
    const daemon = new CliProcess(['start', '--config', join(fleetDir, 'switchyard.yaml')]);
    try {
      await daemon.waitFor(/Press Ctrl-C to stop/);
      expect(daemon.stdout).toContain(banner);
      expect(await summarizeThroughMcp(daemon, 'route me to fast-agent')).toMatchObject({
        result: { agentId: 'summarizer-1', status: 'completed', result: { text: 'route me to fast-agent' } },
      });
      const { url, token } = endpoint(daemon);
      const metrics = await (
        await fetch(new URL('/metrics', url), { headers: { authorization: `Bearer ${token}` } })
      ).text();
      expect(metrics).toContain('switchyard_fast_agent_server_up{server="fleet"} 1');
      expect(metrics).toContain('switchyard_fast_agent_calls_total{server="fleet",outcome="ok"} 1');
      expect(daemon.stderr).toMatch(/fast-agent server up/);
    } finally {
      daemon.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
    }
  }, 300_000);

  it('stdio: Switchyard starts the agents itself (fast-agent cold start included) and they answer tasks', async () => {
    const stdioServer = await readmeBlock('stdio');
    const stdioConfig = httpConfig.replace(/^ {4}- \{ name: fleet, url: .*\n/m, stdioServer);
    expect(stdioConfig).not.toContain('url:');
    await writeFile(join(fleetDir, 'stdio.yaml'), stdioConfig);
    const check = new CliProcess(['config', 'check', '--config', join(fleetDir, 'stdio.yaml')]);
    expect((await check.exited).code).toBe(0);
    expect(check.stdout).not.toContain('warning');
    const daemon = new CliProcess(['start', '--config', join(fleetDir, 'stdio.yaml')]);
    try {
      await daemon.waitFor(/Press Ctrl-C to stop/, 90_000);
      expect(daemon.stdout).toContain(banner);
      // Two at once: a stdio server is one session, so the calls take turns; both complete.
      const [first, second] = await Promise.all([
        summarizeThroughMcp(daemon, 'over stdio'),
        summarizeThroughMcp(daemon, 'over stdio, too'),
      ]);
      expect(first).toMatchObject({
        result: { agentId: 'summarizer-1', status: 'completed', result: { text: 'over stdio' } },
      });
      expect(second).toMatchObject({
        result: { agentId: 'summarizer-1', status: 'completed', result: { text: 'over stdio, too' } },
      });
      const { url, token } = endpoint(daemon);
      const metrics = await (
        await fetch(new URL('/metrics', url), { headers: { authorization: `Bearer ${token}` } })
      ).text();
      expect(metrics).toContain('switchyard_fast_agent_sessions{server="fleet"} 1');
      expect(metrics).toContain('switchyard_fast_agent_calls_total{server="fleet",outcome="busy"} 0');
    } finally {
      daemon.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
    }
  }, 150_000);

  it('the bridge as its own process joins an orchestrator over NATS: switchyard fast-agent-bridge', async () => {
    const nats: NatsServerHandle = await startNatsServer();
    const transport = `transport:\n  kind: nats\n  servers: ["${nats.url}"]\n`;
    const orchestratorConfig = join(fleetDir, 'orchestrator.yaml');
    const bridgeConfig = join(fleetDir, 'bridge.yaml');
    await writeFile(orchestratorConfig, `${transport}logging:\n  level: info\n`);
    await writeFile(bridgeConfig, `${transport}logging:\n  level: warn\n${httpConfig}`);
    const daemon = new CliProcess(['start', '--config', orchestratorConfig]);
    let bridge: CliProcess | undefined;
    try {
      await daemon.waitFor(/Press Ctrl-C to stop/);
      bridge = new CliProcess(['fast-agent-bridge', '--config', bridgeConfig]);
      await bridge.waitFor(
        /fast-agent bridge over nats .*: summarizer-1 \(fleet\/summarizer\), translator-1 \(fleet\/translator\)/,
        60_000,
      );
      expect(await summarizeThroughMcp(daemon, 'across processes')).toMatchObject({
        result: { agentId: 'summarizer-1', result: { text: 'across processes' } },
      });
      bridge.kill('SIGTERM');
      expect((await bridge.exited).code).toBe(0);
      await daemon.waitFor(/agent unregistered agentId=summarizer-1/);
    } finally {
      bridge?.kill('SIGKILL');
      daemon.kill('SIGTERM');
      await daemon.exited;
      await nats.stop();
    }
  }, 300_000);
});
