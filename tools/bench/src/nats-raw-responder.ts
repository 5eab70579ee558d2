// The raw baseline's other process: answers every request on the subject with its own payload.
import { connect } from 'nats';

const [url, subject] = process.argv.slice(2);
if (url === undefined || subject === undefined) throw new Error('usage: nats-raw-responder URL SUBJECT');
const connection = await connect({ servers: url, noAsyncTraces: true });
connection.subscribe(subject, {
  callback: (_error, message) => {
    message.respond(message.data);
  },
});
await connection.flush();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void connection.close().then(() => process.exit(0));
});
