import { SwitchyardAgent } from '@switchyard/agent';
import { createCoreModule, OrchestrationEngine } from '@switchyard/core';
import { createMemoryTransportModule, InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { Container } from 'inversify';
import type { BenchSide } from '../bench-side.js';
import { benchAuthenticator } from './bench-authenticator.js';
import { switchyardCaller } from './switchyard-caller.js';

/**
 * Switchyard in one process: the engine over the in-memory transport and two echo agents
 * (SwitchyardAgent, each on its own connection to the bus), chosen in turn by round_robin.
 */
export async function switchyardMemorySide(): Promise<BenchSide> {
  const container = new Container();
  container.load(
    createCoreModule(
      { distribution: { defaultStrategy: 'round_robin' }, tasks: { retainFinished: 1_000 } },
      { authenticator: await benchAuthenticator() },
    ),
    createMemoryTransportModule(),
  );
  const engine = container.get(OrchestrationEngine);
  await engine.start();
  const bus = container.get(MemoryBus);
  const agents = ['echo-1', 'echo-2'].map(
    (agentId) =>
      new SwitchyardAgent({ agentId, capabilities: ['echo'] }, new InMemoryTransport(bus), (task) => task.data),
  );
  for (const agent of agents) await agent.start();
  return {
    system: 'switchyard',
    call: switchyardCaller(engine),
    close: async () => {
      for (const agent of agents) await agent.stop();
      await engine.stop();
    },
  };
}
