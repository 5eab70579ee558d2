import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { describe, expect, it } from 'vitest';
import { NATS_SERVER_INSTALL_HINT, startNatsServer } from './start-nats-server.js';

describe('startNatsServer', () => {
  it('starts a real nats-server on a free port and stops it by PID', async () => {
    const server = await startNatsServer();
    expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(() => process.kill(server.pid, 0)).not.toThrow();
    await server.stop();
    expect(() => process.kill(server.pid, 0)).toThrow();
  });

  it('removes the temp store it made when it stops', async () => {
    const server = await startNatsServer();
    await server.stop();
    await expect(access(server.storeDir)).rejects.toThrow();
  });

  it("brings a stopped server back on the caller's store and port with its JetStream data, keeping the store", async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'switchyard-nats-kept-'));
    try {
      const first = await startNatsServer({ storeDir });
      const writer = await connect({ servers: first.url });
      const kv = await writer.jetstream().views.kv('kept');
      await kv.put('answer', new TextEncoder().encode('42'));
      await writer.close();
      await first.stop();
      await access(storeDir);

      const second = await startNatsServer({ storeDir, port: first.port });
      try {
        expect(second.url).toBe(first.url);
        const reader = await connect({ servers: second.url });
        const entry = await (await reader.jetstream().views.kv('kept', { bindOnly: true })).get('answer');
        await reader.close();
        expect(entry?.string()).toBe('42');
      } finally {
        await second.stop();
      }
      await access(storeDir);
    } finally {
      await rm(storeDir, { recursive: true, force: true });
    }
  });

  it('fails with install instructions when the binary is missing, never skipping', async () => {
    const previous = process.env.NATS_SERVER_BIN;
    process.env.NATS_SERVER_BIN = '/nonexistent/nats-server';
    try {
      await expect(startNatsServer()).rejects.toThrow(NATS_SERVER_INSTALL_HINT);
    } finally {
      if (previous === undefined) delete process.env.NATS_SERVER_BIN;
      else process.env.NATS_SERVER_BIN = previous;
    }
  });
});
