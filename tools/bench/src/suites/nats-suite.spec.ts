import { describe, expect, it } from 'vitest';
import { runNatsSuite } from './nats-suite.js';

describe('NATS benchmark', () => {
  it('measures raw request/reply and Switchyard over one real nats-server and reports their ratios', async () => {
    const results = await runNatsSuite({ quick: true, log: () => undefined });
    const byName = new Map(results.map((result) => [result.name, result]));
    expect([...byName.keys()]).toEqual([
      'nats-raw-latency-p50',
      'nats-raw-latency-p99',
      'nats-switchyard-latency-p50',
      'nats-switchyard-latency-p99',
      'nats-raw-throughput',
      'nats-switchyard-throughput',
      'nats-latency-ratio',
      'nats-throughput-ratio',
    ]);
    for (const result of results) expect(result.value).toBeGreaterThan(0);
    const latency = byName.get('nats-switchyard-latency-p50');
    expect(byName.get('nats-latency-ratio')?.value).toBeCloseTo((latency?.value ?? 0) / (latency?.baseline ?? 1), 1);
  }, 60_000);
});
