import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ValidationError } from '@switchyard/core';
import { InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { describe, expect, it } from 'vitest';
import { callFailureKind } from './call-failure-kind.js';
import { FastAgentBridge } from './fast-agent-bridge.js';
import type { FastAgentOptionsInput } from './fast-agent-options.js';
import { DEFAULT_FAST_AGENT_CAPACITY, FastAgentOptionsSchema } from './fast-agent-options.js';

function refusal(options: FastAgentOptionsInput): string {
  try {
    new FastAgentBridge(options, () => new InMemoryTransport(new MemoryBus()));
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('the options were accepted');
}

const twoServers = [
  { name: 'a', url: 'http://127.0.0.1:1/mcp' },
  { name: 'b', url: 'http://127.0.0.1:2/mcp' },
];

describe('fast-agent options', () => {
  it('gives listed and unlisted agents the same capacity by default, and a call timeout inside the default attempt timeout', () => {
    const options = FastAgentOptionsSchema.parse({
      servers: [twoServers[0]],
      agents: [{ name: 'x', agentId: 'x-1', capabilities: ['x'] }],
    });
    expect(options.agents[0]?.capacity).toBe(DEFAULT_FAST_AGENT_CAPACITY);
    expect(options.unlisted.capacity).toBe(DEFAULT_FAST_AGENT_CAPACITY);
    expect(options.callTimeoutMs).toBeLessThan(60_000);
    expect(options.startupTimeoutMs).toBeGreaterThan(options.refreshTimeoutMs);
  });

  it('refuses agent ids that could collide, naming the field', () => {
    expect(
      refusal({
        servers: twoServers,
        agents: [
          { name: 'x', server: 'a', agentId: 'same', capabilities: ['x'] },
          { name: 'y', server: 'b', agentId: 'same', capabilities: ['y'] },
        ],
      }),
    ).toMatch(/agents\.1\.agentId: agent id 'same' is given to two mappings/);
    // Two servers serving an agent of that name would both register it under one id.
    expect(refusal({ servers: twoServers, agents: [{ name: 'x', agentId: 'x-1', capabilities: ['x'] }] })).toMatch(
      /agents\.0\.server: required when there are several servers/,
    );
    expect(
      refusal({ servers: twoServers, agents: [{ name: 'x', server: 'c', agentId: 'x-1', capabilities: ['x'] }] }),
    ).toMatch(/agents\.0\.server: names no server of this config/);
    expect(
      refusal({
        servers: [twoServers[0] as { name: string; url: string }],
        agents: [
          { name: 'x', agentId: 'x-1', capabilities: ['x'] },
          { name: 'x', agentId: 'x-2', capabilities: ['x'] },
        ],
      }),
    ).toMatch(/agents\.1\.name: agent 'x' is mapped twice/);
    expect(
      refusal({
        servers: [twoServers[0] as { name: string; url: string }, { name: 'a', url: 'http://127.0.0.1:3/mcp' }],
      }),
    ).toMatch(/servers\.1\.name: server 'a' is listed twice/);
    expect(refusal({ servers: twoServers, callTimeoutMs: 0 })).toMatch(/callTimeoutMs/);
  });

  it('refuses empty registration tokens, naming the field', () => {
    const server = twoServers[0] as { name: string; url: string };
    expect(refusal({ servers: [server], token: '' })).toMatch(/(^|[ ,;:])token: /);
    expect(
      refusal({ servers: [server], agents: [{ name: 'x', agentId: 'x-1', capabilities: ['x'], token: '' }] }),
    ).toMatch(/agents\.0\.token/);
    expect(
      FastAgentOptionsSchema.parse({
        servers: [server],
        token: 'bridge',
        agents: [{ name: 'x', agentId: 'x-1', capabilities: ['x'], token: 'own' }],
      }),
    ).toMatchObject({ token: 'bridge', agents: [{ token: 'own' }] });
  });
});

describe('callFailureKind', () => {
  it('tells a forgotten session, a dead server and a failing server apart', () => {
    expect(callFailureKind(new StreamableHTTPError(404, 'Session not found'))).toBe('session_lost');
    expect(callFailureKind(new StreamableHTTPError(503, 'unavailable'))).toBe('server');
    expect(
      callFailureKind(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        }),
      ),
    ).toBe('connection');
    expect(callFailureKind(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'))).toBe('connection');
    expect(callFailureKind(new McpError(ErrorCode.InternalError, 'boom'))).toBe('server');
  });
});
