import { connect } from 'nats';
const [url, bucket] = process.argv.slice(2);
const nc = await connect({ servers: url });
const kv = await nc.jetstream().views.kv(bucket, { bindOnly: true });
const keys = []; for await (const k of await kv.keys()) keys.push(k);
const slow = [];
for (const k of keys) { const e = await kv.get(k); const t = e.json(); const lat = t.finishedAt - t.createdAt; if (!(lat < 1000)) slow.push({ id: t.id, rev: e.revision, status: t.status, lat, prio: t.priority, attempts: t.attempts, redistributions: t.redistributions, history: t.history.map(h => ({...h, assignedAt: h.assignedAt - t.createdAt, finishedAt: h.finishedAt - t.createdAt})), writtenBy: t.writtenBy, createdAt: new Date(t.createdAt).toISOString(), queuedAt: t.queuedAt - t.createdAt }); }
console.log('keys', keys.length, JSON.stringify(slow, null, 1));
await nc.close();
