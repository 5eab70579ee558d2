// Switchyard's other process: one agent over NATS that echoes each task's data.
import { SwitchyardAgent } from '@switchyard/agent';
import { NatsTransport } from '@switchyard/transport-nats';

const [url, subjectPrefix] = process.argv.slice(2);
if (url === undefined || subjectPrefix === undefined) throw new Error('usage: nats-bench-agent URL SUBJECT_PREFIX');
const agent = new SwitchyardAgent(
  { agentId: 'bench-agent', capabilities: ['echo'] },
  new NatsTransport({ kind: 'nats', servers: [url], subjectPrefix }),
  (task) => task.data,
);
await agent.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void agent.stop().then(() => process.exit(0));
});
