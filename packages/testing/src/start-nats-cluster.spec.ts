import { connect } from 'nats';
import { describe, expect, it } from 'vitest';
import { startNatsCluster } from './start-nats-cluster.js';

const encoder = new TextEncoder();

describe('startNatsCluster', () => {
  it('runs a 3-node JetStream cluster whose replicated KV bucket takes writes while a node is SIGKILLed, and the node comes back on its store', async () => {
    const cluster = await startNatsCluster({ nodes: 3 });
    const client = await connect({ servers: [...cluster.urls], maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      expect(cluster.nodes.map((node) => node.name)).toEqual(['n1', 'n2', 'n3']);
      expect(cluster.version).toMatch(/^\d+\.\d+\.\d+/);
      const kv = await client.jetstream().views.kv('replicated', { replicas: 3 });
      const info = await (await client.jetstreamManager()).streams.info('KV_replicated');
      expect(info.config.num_replicas).toBe(3);
      await kv.put('before', encoder.encode('1'));

      // Kill a node the client is not connected to, so the write below tests the cluster, not reconnection.
      const victim =
        cluster.nodes.find((node) => !client.getServer().endsWith(`:${String(node.port)}`)) ?? cluster.nodes[0];
      if (victim === undefined) throw new Error('no node');
      const victimPid = victim.pid;
      await victim.kill();
      expect(victim.isRunning).toBe(false);
      expect(() => process.kill(victimPid ?? -1, 0)).toThrow();

      // Two of three replicas are a quorum: writes go on (after a new stream leader, if the victim led it).
      let written: number | undefined;
      const deadline = Date.now() + 30_000;
      while (written === undefined) {
        try {
          written = await kv.put('during', encoder.encode('2'));
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      expect(written).toBeGreaterThan(1);

      await victim.start();
      expect(victim.isRunning).toBe(true);
      const direct = await connect({ servers: victim.url });
      try {
        const again = await direct.jetstream().views.kv('replicated', { bindOnly: true });
        expect((await again.get('before'))?.string()).toBe('1');
        expect((await again.get('during'))?.string()).toBe('2');
      } finally {
        await direct.close();
      }
    } finally {
      await client.close();
      await cluster.stop();
    }
    for (const node of cluster.nodes) expect(node.isRunning).toBe(false);
  }, 120_000);

  it('refuses a cluster size that is not a whole number of at least 1', async () => {
    await expect(startNatsCluster({ nodes: 0 })).rejects.toThrow('nodes must be a whole number of at least 1');
  });
});
