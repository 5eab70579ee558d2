import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { McpSessions } from './mcp-sessions.js';

function transport(closed: string[], id: string): StreamableHTTPServerTransport {
  return {
    close: () => {
      closed.push(id);
      return Promise.resolve();
    },
  } as unknown as StreamableHTTPServerTransport;
}

describe('McpSessions', () => {
  it('makes room for a new session by closing the owner’s least recently used idle one, never a busy one or another owner’s', async () => {
    let now = 0;
    const closed: string[] = [];
    const sessions = new McpSessions({ idleMs: 60_000, maxPerOwner: 2 }, () => now);
    const first = sessions.add('s1', transport(closed, 's1'), 'alice');
    now = 10;
    sessions.add('s2', transport(closed, 's2'), 'alice');
    sessions.add('b1', transport(closed, 'b1'), 'bob');
    const done = sessions.begin(first);
    now = 20;
    expect(sessions.makeRoomFor('alice')).toBe(true);
    expect(closed).toEqual(['s2']);
    sessions.add('s3', transport(closed, 's3'), 'alice');
    const busy = sessions.find('s3', 'alice');
    if (busy === undefined) throw new Error('s3 is missing');
    sessions.begin(busy);
    // Both of alice's sessions are busy: no room, nothing closed.
    expect(sessions.makeRoomFor('alice')).toBe(false);
    expect(closed).toEqual(['s2']);
    done();
    expect(sessions.find('s1', 'bob')).toBeUndefined();
    expect(sessions.find('b1', 'bob')?.id).toBe('b1');
    await sessions.closeAll();
  });

  it('closes sessions idle for idleMs, not those with a request or stream open', async () => {
    let now = 0;
    const closed: string[] = [];
    const sessions = new McpSessions({ idleMs: 1_000, maxPerOwner: 10 }, () => now);
    sessions.add('idle', transport(closed, 'idle'), 'alice');
    const streaming = sessions.add('streaming', transport(closed, 'streaming'), 'alice');
    sessions.begin(streaming);
    now = 1_000;
    sessions.closeIdle();
    expect(closed).toEqual(['idle']);
    expect(sessions.size).toBe(1);
    await sessions.closeAll();
  });
});
