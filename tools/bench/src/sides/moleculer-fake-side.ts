import { ServiceBroker } from 'moleculer';
import type { BenchSide } from '../bench-side.js';
import { BENCH_PAYLOAD } from '../bench-payload.js';

let runs = 0;

/**
 * Moleculer in one process: a caller broker and two worker brokers with one `echo` service each,
 * on the Fake transporter (an in-process bus), the caller balancing with RoundRobin.
 */
export async function moleculerFakeSide(): Promise<BenchSide> {
  runs++;
  // The Fake transporter's bus is process-wide: a namespace per run keeps runs apart.
  const namespace = `bench${String(process.pid)}x${String(runs)}`;
  const broker = (nodeID: string): ServiceBroker =>
    new ServiceBroker({ namespace, nodeID, transporter: 'Fake', logger: false, registry: { strategy: 'RoundRobin' } });
  const caller = broker('caller');
  const workers = ['worker-1', 'worker-2'].map((nodeID) => {
    const worker = broker(nodeID);
    worker.createService({ name: 'echo', actions: { echo: (context) => context.params as unknown } });
    return worker;
  });
  const brokers = [caller, ...workers];
  for (const each of brokers) await each.start();
  await caller.waitForServices(['echo']);
  return {
    system: 'moleculer-fake',
    call: () => caller.call('echo.echo', BENCH_PAYLOAD),
    close: async () => {
      for (const each of brokers) await each.stop();
    },
  };
}
