import { access, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { describe, expect, it } from 'vitest';
import { natsServerVersion, pickNatsServerBinary } from './nats-server-binary.js';
import { NATS_SERVER_INSTALL_HINT, startNatsServer } from './start-nats-server.js';

describe('startNatsServer', () => {
  it('starts a real nats-server on a free port and stops it by PID', async () => {
    const server = await startNatsServer();
    expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(() => process.kill(server.pid, 0)).not.toThrow();
    await server.stop();
    expect(() => process.kill(server.pid, 0)).toThrow();
  });

  it('says which binary runs and the version it reports', async () => {
    const server = await startNatsServer();
    try {
      expect(server.binary).toEqual(pickNatsServerBinary());
      expect(server.version).toBe(await natsServerVersion(server.binary.command));
      expect(server.version).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await server.stop();
    }
  });

  it('SIGKILLs the server by PID', async () => {
    const server = await startNatsServer();
    await server.kill();
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

describe('pickNatsServerBinary', () => {
  it('prefers NATS_SERVER_BIN, then the provisioned binary in the cache dir, then nats-server on PATH', async () => {
    const binDir = await mkdtemp(join(tmpdir(), 'switchyard-bin-'));
    try {
      expect(pickNatsServerBinary({ SWITCHYARD_BIN_DIR: binDir })).toEqual({ command: 'nats-server', source: 'PATH' });
      const cached = join(binDir, 'nats-server');
      await writeFile(cached, '#!/bin/sh\necho "nats-server: v9.9.9"\n');
      await chmod(cached, 0o755);
      expect(pickNatsServerBinary({ SWITCHYARD_BIN_DIR: binDir })).toEqual({ command: cached, source: 'cache' });
      expect(await natsServerVersion(cached)).toBe('9.9.9');
      expect(pickNatsServerBinary({ SWITCHYARD_BIN_DIR: binDir, NATS_SERVER_BIN: '/opt/nats-server' })).toEqual({
        command: '/opt/nats-server',
        source: 'NATS_SERVER_BIN',
      });
      expect(pickNatsServerBinary({ SWITCHYARD_BIN_DIR: binDir, SWITCHYARD_NATS_SERVER: 'debian' })).toEqual({
        command: 'nats-server',
        source: 'PATH',
      });
      expect(pickNatsServerBinary({ SWITCHYARD_BIN_DIR: binDir, SWITCHYARD_NATS_SERVER: 'current' })).toEqual({
        command: cached,
        source: 'cache',
      });
    } finally {
      await rm(binDir, { recursive: true, force: true });
    }
  });

  it('looks in $XDG_CACHE_HOME/switchyard/bin when SWITCHYARD_BIN_DIR is not set', async () => {
    const cacheHome = await mkdtemp(join(tmpdir(), 'switchyard-cache-'));
    try {
      await mkdir(join(cacheHome, 'switchyard', 'bin'), { recursive: true });
      await writeFile(join(cacheHome, 'switchyard', 'bin', 'nats-server'), '');
      expect(pickNatsServerBinary({ XDG_CACHE_HOME: cacheHome }).command).toBe(
        join(cacheHome, 'switchyard', 'bin', 'nats-server'),
      );
    } finally {
      await rm(cacheHome, { recursive: true, force: true });
    }
  });

  it('refuses an unknown SWITCHYARD_NATS_SERVER, naming the variable', () => {
    expect(() => pickNatsServerBinary({ SWITCHYARD_NATS_SERVER: 'newest' })).toThrow(
      /SWITCHYARD_NATS_SERVER must be 'current'.*not 'newest'/,
    );
  });
});
