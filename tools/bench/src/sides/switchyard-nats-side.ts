import { createCoreModule, OrchestrationEngine } from '@switchyard/core';
import { createNatsTransportModule } from '@switchyard/transport-nats';
import { Container } from 'inversify';
import type { BenchSide } from '../bench-side.js';
import { startHelper, stopHelper } from '../child-process-ready.js';
import { benchAuthenticator } from './bench-authenticator.js';
import { switchyardCaller } from './switchyard-caller.js';

/** Switchyard over NATS: the engine here, one SwitchyardAgent (echo handler) in a second process. */
export async function switchyardNatsSide(url: string): Promise<BenchSide> {
  const container = new Container();
  container.load(
    createCoreModule({ tasks: { retainFinished: 1_000 } }, { authenticator: await benchAuthenticator() }),
    createNatsTransportModule({ kind: 'nats', servers: [url], subjectPrefix: 'bench' }),
  );
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  const agent = await startHelper('nats-bench-agent.js', [url, 'bench']);
  return {
    system: 'switchyard',
    call: switchyardCaller(engine),
    close: async () => {
      await stopHelper(agent);
      await engine.stop();
    },
  };
}
