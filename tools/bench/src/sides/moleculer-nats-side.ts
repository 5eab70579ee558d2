import { ServiceBroker } from 'moleculer';
import { BENCH_PAYLOAD } from '../bench-payload.js';
import type { BenchSide } from '../bench-side.js';
import { startHelper, stopHelper } from '../child-process-ready.js';

/** Moleculer over its NATS transporter: a caller broker here, the `echo` service in a second process. */
export async function moleculerNatsSide(url: string): Promise<BenchSide> {
  const namespace = `bench${String(process.pid)}`;
  const service = await startHelper('moleculer-nats-service.js', [url, namespace]);
  const caller = new ServiceBroker({
    namespace,
    nodeID: 'caller',
    transporter: { type: 'NATS', options: { url } },
    logger: false,
  });
  await caller.start();
  await caller.waitForServices(['echo']);
  return {
    system: 'moleculer',
    call: () => caller.call('echo.echo', BENCH_PAYLOAD),
    close: async () => {
      await caller.stop();
      await stopHelper(service);
    },
  };
}
