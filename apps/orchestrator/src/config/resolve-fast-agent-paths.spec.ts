import { homedir } from 'node:os';
import { FastAgentOptionsSchema } from '@switchyard/fast-agent';
import { describe, expect, it } from 'vitest';
import { resolveFastAgentPaths } from './resolve-fast-agent-paths.js';

describe('resolveFastAgentPaths', () => {
  it("reads a stdio server's command and cwd from the config file's folder, ~ as home; URLs and PATH commands stay", () => {
    const options = FastAgentOptionsSchema.parse({
      servers: [
        {
          name: 'venv',
          command: '~/.cache/switchyard/fast-agent-venv/bin/python',
          args: ['agents.py', '--transport', 'stdio'],
        },
        { name: 'local', command: './.venv/bin/python', cwd: 'fleet' },
        { name: 'path', command: 'python3', cwd: '/srv/agents' },
        { name: 'http', url: 'http://127.0.0.1:8080/mcp' },
      ],
    });
    expect(
      resolveFastAgentPaths(options, '/etc/switchyard').servers.map((server) => [server.command, server.cwd]),
    ).toEqual([
      [`${homedir()}/.cache/switchyard/fast-agent-venv/bin/python`, '/etc/switchyard'],
      ['/etc/switchyard/.venv/bin/python', '/etc/switchyard/fleet'],
      ['python3', '/srv/agents'],
      [undefined, undefined],
    ]);
  });
});
