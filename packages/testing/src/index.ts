// Shared test helpers: never shipped, never imported by production code.
export { runTransportConformanceSuite } from './transport-conformance-suite.js';
export type { TransportFixture } from './transport-fixture.js';
export { runTaskJournalContractSuite } from './task-journal-contract-suite.js';
export type { TaskJournalFixture } from './task-journal-contract-suite.js';
export { deferred } from './deferred.js';
export type { Deferred } from './deferred.js';
export { waitUntil } from './wait-until.js';
export { taskRequestEnvelope, taskResponseEnvelope } from './envelope-builders.js';
export { startNatsServer, NATS_SERVER_INSTALL_HINT } from './start-nats-server.js';
export type { NatsServerHandle, NatsServerOptions } from './start-nats-server.js';
export { startNatsCluster } from './start-nats-cluster.js';
export type { NatsClusterHandle, NatsClusterNode, NatsClusterOptions } from './start-nats-cluster.js';
export {
  natsServerCacheDir,
  natsServerVersion,
  pickNatsServerBinary,
  PROVISIONED_NATS_SERVER_VERSION,
} from './nats-server-binary.js';
export type { NatsServerBinary } from './nats-server-binary.js';
export { fastAgentPython, fastAgentVenv, startFastAgent, FAST_AGENT_INSTALL_HINT } from './start-fast-agent.js';
export type { FastAgentHandle } from './start-fast-agent.js';
export { a2aVenv, startA2aAgent, A2A_AGENT_INSTALL_HINT } from './start-a2a-agent.js';
export type { A2aAgentHandle } from './start-a2a-agent.js';
export { freePort, startListeningProcess } from './start-listening-process.js';
export type { ListeningProcess, ListeningProcessOptions } from './start-listening-process.js';
export { CandidateFleet } from './candidate-fleet.js';
export type { FleetAgent } from './candidate-fleet.js';
export { buildTask } from './build-task.js';
export type { TaskSpec } from './build-task.js';
export { TestStrategyServices } from './test-strategy-services.js';
export type { AgentEventSource, LoggedEntry, TestStrategyServicesOptions } from './test-strategy-services.js';
