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
