import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SWITCHYARD_TOOLS } from '@switchyard/mcp-server';
import { describe, expect, it } from 'vitest';
import { appRoot, cliPath } from './cli-process.js';

const run = promisify(execFile);
// The MCP Inspector's CLI (0.15, the last release that runs on Node 20): a client we did not write.
const inspector = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector-cli/package.json')),
  'build',
  'index.js',
);
const server = [process.execPath, cliPath, 'mcp', '--stdio', '--config', join(appRoot, 'switchyard.example.yaml')];

async function inspect(...args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [inspector, ...server, ...args], { timeout: 30_000 });
  return JSON.parse(stdout) as unknown;
}

describe('the MCP Inspector CLI against switchyard mcp --stdio', () => {
  it('lists the tools with their input schemas', async () => {
    const listed = (await inspect('--method', 'tools/list')) as {
      tools: { name: string; inputSchema: { properties: Record<string, unknown> } }[];
    };
    const distribute = listed.tools.find((tool) => tool.name === 'distribute_task');
    expect(Object.keys(distribute?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining([
        'task_id',
        'task_type',
        'required_capabilities',
        'task_data',
        'sender_id',
        'strategy',
        'priority',
        'auth_token',
      ]),
    );
    expect(listed.tools.map((tool) => tool.name).sort()).toEqual(SWITCHYARD_TOOLS.map((tool) => tool.name).sort());
  });

  it('calls a tool and gets structured content with a readable summary', async () => {
    const result = (await inspect('--method', 'tools/call', '--tool-name', 'list_agents')) as {
      content: { text: string }[];
      structuredContent: { agents: { id: string }[] };
    };
    expect(result.structuredContent.agents.map((agent) => agent.id)).toEqual([
      'writer-1',
      'writer-2',
      'summarizer',
      'coder-1',
      'coder-2',
    ]);
    expect(result.content[0]?.text).toContain('writer-1 [write, summarize] online 0/8');
  });
});
