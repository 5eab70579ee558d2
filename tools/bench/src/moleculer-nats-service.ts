// Moleculer's other process: one broker on the NATS transporter with an `echo` service.
import { ServiceBroker } from 'moleculer';

const [url, namespace] = process.argv.slice(2);
if (url === undefined || namespace === undefined) throw new Error('usage: moleculer-nats-service URL NAMESPACE');
const broker = new ServiceBroker({
  namespace,
  nodeID: 'worker',
  transporter: { type: 'NATS', options: { url } },
  logger: false,
});
broker.createService({ name: 'echo', actions: { echo: (context) => context.params as unknown } });
await broker.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void broker.stop().then(() => process.exit(0));
});
