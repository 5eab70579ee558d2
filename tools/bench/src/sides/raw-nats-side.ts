import { connect } from 'nats';
import { BENCH_PAYLOAD } from '../bench-payload.js';
import type { BenchSide } from '../bench-side.js';
import { startHelper, stopHelper } from '../child-process-ready.js';

/** The floor: `nc.request` with the `nats` client against a responder process that echoes. */
export async function rawNatsSide(url: string): Promise<BenchSide> {
  const responder = await startHelper('nats-raw-responder.js', [url, 'bench.raw']);
  const connection = await connect({ servers: url, noAsyncTraces: true });
  const payload = new TextEncoder().encode(JSON.stringify(BENCH_PAYLOAD));
  return {
    system: 'raw',
    call: () => connection.request('bench.raw', payload, { timeout: 10_000 }),
    close: async () => {
      await connection.close();
      await stopHelper(responder);
    },
  };
}
