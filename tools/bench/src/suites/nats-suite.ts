import { createHash } from 'node:crypto';
import { createCoreModule, OrchestrationEngine, TaskDistributor, TokenAuthenticator } from '@switchyard/core';
import { startNatsServer } from '@switchyard/testing';
import { createNatsTransportModule } from '@switchyard/transport-nats';
import { Container } from 'inversify';
import { connect } from 'nats';
import type { BenchResult, BenchSettings } from '../bench-result.js';
import { startHelper, stopHelper } from '../child-process-ready.js';
import type { RequestMeasurement } from '../measure-requests.js';
import { measureRequests } from '../measure-requests.js';

const PIPELINED = 64;
const TOKEN = 'bench';

interface Side {
  readonly name: string;
  one: () => Promise<unknown>;
  close(): Promise<void>;
}

/** Raw request/reply with the `nats` client against a responder process. */
async function rawSide(url: string): Promise<Side> {
  const responder = await startHelper('nats-raw-responder.js', [url, 'bench.raw']);
  const connection = await connect({ servers: url, noAsyncTraces: true });
  const payload = new TextEncoder().encode(JSON.stringify({ n: 1 }));
  return {
    name: 'raw nats request/reply',
    one: () => connection.request('bench.raw', payload, { timeout: 10_000 }),
    close: async () => {
      await connection.close();
      await stopHelper(responder);
    },
  };
}

/** Switchyard: engine.distributeTask → agent process → task_response → result, over NATS. */
async function switchyardSide(url: string): Promise<Side> {
  const container = new Container();
  // As the orchestrator app does: Node's synchronous SHA-256 for tokens.
  const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: TOKEN, permissions: ['admin'] }], (token) => createHash('sha256').update(token).digest());
  container.load(
    createCoreModule({ tasks: { retainFinished: 1_000 } }, { authenticator }),
    createNatsTransportModule({ kind: 'nats', servers: [url], subjectPrefix: 'bench' }),
  );
  const engine = container.get(OrchestrationEngine);
  const distributor = container.get(TaskDistributor);
  const waiting = new Map<string, () => void>();
  distributor.onEvent((event) => {
    if (event.type !== 'task_finished') return;
    waiting.get(event.task.id)?.();
    waiting.delete(event.task.id);
  });
  await engine.start();
  const agent = await startHelper('nats-bench-agent.js', [url, 'bench']);
  let sequence = 0;
  return {
    name: 'switchyard over nats',
    one: async () => {
      sequence++;
      const taskId = `t${String(sequence)}`;
      const finished = new Promise<void>((resolve) => waiting.set(taskId, resolve));
      await engine.distributeTask({ authToken: TOKEN, taskId, taskType: 'echo', requiredCapabilities: ['echo'], taskData: { n: 1 }, senderId: 'bench' });
      await finished;
    },
    close: async () => {
      await stopHelper(agent);
      await engine.stop();
    },
  };
}

/**
 * One nats-server; raw request/reply and Switchyard side by side, at 1 in flight (latency) and
 * 64 in flight (throughput). Ratios: Switchyard / raw.
 */
export async function runNatsSuite(settings: BenchSettings): Promise<BenchResult[]> {
  const sequential = settings.quick ? 200 : 5_000;
  const pipelined = settings.quick ? 500 : 20_000;
  const server = await startNatsServer();
  const measured: { raw?: [RequestMeasurement, RequestMeasurement]; switchyard?: [RequestMeasurement, RequestMeasurement] } = {};
  try {
    for (const make of [rawSide, switchyardSide]) {
      const side = await make(server.url);
      try {
        await measureRequests(side.one, Math.min(500, sequential), 1);
        const one = await measureRequests(side.one, sequential, 1);
        const many = await measureRequests(side.one, pipelined, PIPELINED);
        settings.log(`  ${side.name.padEnd(24)} 1 in flight: p50 ${one.latency.p50.toFixed(0)} µs, p99 ${one.latency.p99.toFixed(0)} µs · ${String(PIPELINED)} in flight: ${Math.round(many.perSecond).toLocaleString('en-US')}/s`);
        measured[make === rawSide ? 'raw' : 'switchyard'] = [one, many];
      } finally {
        await side.close();
      }
    }
  } finally {
    await server.stop();
  }
  const [rawOne, rawMany] = measured.raw as [RequestMeasurement, RequestMeasurement];
  const [syOne, syMany] = measured.switchyard as [RequestMeasurement, RequestMeasurement];
  const round = (value: number): number => Math.round(value);
  return [
    { name: 'nats-raw-latency-p50', params: { inFlight: 1 }, value: round(rawOne.latency.p50), unit: 'µs' },
    { name: 'nats-raw-latency-p99', params: { inFlight: 1 }, value: round(rawOne.latency.p99), unit: 'µs' },
    { name: 'nats-switchyard-latency-p50', params: { inFlight: 1 }, value: round(syOne.latency.p50), unit: 'µs', baseline: round(rawOne.latency.p50), ratio: syOne.latency.p50 / rawOne.latency.p50 },
    { name: 'nats-switchyard-latency-p99', params: { inFlight: 1 }, value: round(syOne.latency.p99), unit: 'µs', baseline: round(rawOne.latency.p99), ratio: syOne.latency.p99 / rawOne.latency.p99 },
    { name: 'nats-raw-throughput', params: { inFlight: PIPELINED }, value: round(rawMany.perSecond), unit: 'requests/s' },
    { name: 'nats-switchyard-throughput', params: { inFlight: PIPELINED }, value: round(syMany.perSecond), unit: 'tasks/s', baseline: round(rawMany.perSecond), ratio: syMany.perSecond / rawMany.perSecond },
    { name: 'nats-latency-ratio', params: { inFlight: 1 }, value: syOne.latency.p50 / rawOne.latency.p50, unit: 'ratio' },
    { name: 'nats-throughput-ratio', params: { inFlight: PIPELINED }, value: syMany.perSecond / rawMany.perSecond, unit: 'ratio' },
  ];
}
