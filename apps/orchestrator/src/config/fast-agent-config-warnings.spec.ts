import { describe, expect, it } from 'vitest';
import { fastAgentConfigWarnings } from './fast-agent-config-warnings.js';
import { resolveConfig } from './load-config.js';

const parse = async (input: unknown) => (await resolveConfig(input)).config;

describe('fastAgentConfigWarnings', () => {
  it('is quiet for the defaults and for a stdio server started with --transport stdio', async () => {
    expect(fastAgentConfigWarnings(await parse({}))).toEqual([]);
    expect(
      fastAgentConfigWarnings(
        await parse({ fastAgent: { servers: [{ name: 'fleet', url: 'http://127.0.0.1:8080/mcp' }] } }),
      ),
    ).toEqual([]);
    expect(
      fastAgentConfigWarnings(
        await parse({
          fastAgent: { servers: [{ name: 'fleet', command: 'python', args: ['agents.py', '--transport', 'stdio'] }] },
        }),
      ),
    ).toEqual([]);
  });

  it('warns when a call may outlast the attempt, and when a stdio server would start interactive mode', async () => {
    const warnings = fastAgentConfigWarnings(
      await parse({
        tasks: { attemptTimeoutMs: 30_000 },
        fastAgent: { servers: [{ name: 'fleet', command: 'python', args: ['agents.py'] }], callTimeoutMs: 45_000 },
      }),
    );
    expect(warnings).toEqual([
      expect.stringMatching(
        /^fastAgent\.callTimeoutMs \(45000 ms\) does not fit inside tasks\.attemptTimeoutMs \(30000 ms\)/,
      ),
      expect.stringMatching(/^fastAgent\.servers\.0\.args: no "--transport", "stdio"/),
    ]);
  });
});
