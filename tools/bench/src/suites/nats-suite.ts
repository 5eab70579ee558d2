import { startNatsServer } from '@switchyard/testing';
import type { BenchResult, BenchSettings } from '../bench-result.js';
import type { BenchSide } from '../bench-side.js';
import { measureSides } from '../measure-sides.js';
import { moleculerNatsSide } from '../sides/moleculer-nats-side.js';
import { rawNatsSide } from '../sides/raw-nats-side.js';
import { switchyardNatsSide } from '../sides/switchyard-nats-side.js';
import { sideResults } from './side-results.js';

export const NATS_BASELINE = 'raw';

/**
 * One nats-server, three systems, each with its responder in a second process: raw NATS
 * request/reply (the floor), Switchyard (distribute → agent → result) and Moleculer (a call to
 * a service), at 1 and 64 calls in flight. Ratios are against raw request/reply.
 */
export async function runNatsSuite(settings: BenchSettings): Promise<BenchResult[]> {
  const plan = settings.quick
    ? { warmup: 200, calls: { 1: 200, 64: 1_000 }, rounds: 1 }
    : { warmup: 5_000, calls: { 1: 5_000, 64: 40_000 }, rounds: 5 };
  const server = await startNatsServer();
  const sides: BenchSide[] = [];
  try {
    sides.push(
      await rawNatsSide(server.url),
      await switchyardNatsSide(server.url),
      await moleculerNatsSide(server.url),
    );
    return sideResults('nats', await measureSides(sides, plan, settings.log), NATS_BASELINE);
  } finally {
    for (const side of sides) await side.close();
    await server.stop();
  }
}
