// `@switchyard/core/internal`: what Switchyard's own packages (transports, the agent SDK, the MCP
// server, adapters, test helpers, the CLI, tools) share beyond the public API of ./index.ts.
// No stability promise: these names change with any release. Applications and plugins import
// from `@switchyard/core` only.
import 'reflect-metadata';

// The wire: envelopes, addresses, their codec
export {
  AddressSchema,
  EnvelopeSchema,
  AckPayloadSchema,
  AgentRegisterPayloadSchema,
  AgentSessionSchema,
  AnswerRefusedPayloadSchema,
  TaskCancelPayloadSchema,
  TaskProgressPayloadSchema,
  TaskRequestPayloadSchema,
  TaskResponsePayloadSchema,
} from './models/envelope.js';
export type {
  AckPayload,
  AnswerRefusedPayload,
  Envelope,
  EnvelopeInput,
  EnvelopeKind,
  EnvelopeOf,
  TaskCancelPayload,
  TaskProgressPayload,
  TaskRequestPayload,
  TaskResponsePayload,
} from './models/envelope.js';
export { checkTaskProgressUpdate } from './models/task-progress.js';
export { ORCHESTRATOR_ADDRESS, agentAddress, agentIdFromAddress } from './models/addresses.js';
export {
  decodeEnvelope,
  decodeEnvelopeBatch,
  encodeEnvelope,
  encodeEnvelopeBatch,
  validateEnvelope,
} from './communication/envelope-codec.js';
export type { DecodedBatch } from './communication/expand-packed-run.js';
export { PackedRunSchema } from './models/packed-run.js';
export type { PackedRun } from './models/packed-run.js';
export { nextEnvelopeId } from './communication/envelope-id.js';
export { HandlerRuns } from './communication/handler-runs.js';
export { CommunicationManager } from './communication/communication-manager.js';
export type { InboundHandlers } from './communication/communication-manager.js';

// Ports a transport or a durable store implements
export type { Transport, TransportSubscription, EnvelopeHandler, UndeliveredHandler } from './ports/transport.js';
export type { TaskStore } from './ports/task-store.js';
export type {
  JournaledAnswer,
  JournalEntry,
  JournalWrite,
  TaskJournal,
  TaskJournalSink,
} from './ports/task-journal.js';
export { InMemoryJournalStore, InMemoryTaskJournal } from './distribution/in-memory-task-journal.js';
export { JournaledTaskSchema, TaskAttemptSchema } from './models/journaled-task.js';
export type { JournaledTask } from './models/journaled-task.js';
export { JournaledAgentSchema } from './models/agent-registration.js';
export type { JournaledAgent, ParsedAgentRegistration } from './models/agent-registration.js';
export { SummarizingLogger } from './ports/summarizing-logger.js';
export type { SummarizingLoggerOptions } from './ports/summarizing-logger.js';

// Agent identity and permissions
export { TRANSPORT_OWNER } from './registry/agent-claims.js';
export { isSameSession, newAgentSession } from './auth/agent-session.js';
export { authorize, authorizeAgent } from './auth/authorize.js';

// Registry, strategies as the engine keeps them
export { AgentRegistry } from './registry/agent-registry.js';
export type { AgentAttribute, AgentChange, CandidateShortfall } from './registry/agent-registry.js';
export type { AgentRecord } from './registry/agent-record.js';
export type { CandidatePool } from './registry/candidate-pool.js';
export { isStrategyDefinition } from './strategies/define-strategy.js';
export { StrategyRegistry } from './strategies/strategy-registry.js';
export type { CheckedStrategy, RegisteredStrategy } from './strategies/strategy-registry.js';
export type { StrategyHost } from './strategies/strategy-host.js';
export type { StrategyMetricSample } from './strategies/strategy-metrics-recorder.js';
export { BUILT_IN_STRATEGIES } from './strategies/built-in/built-in-strategies.js';
export { capabilityMatchStrategy } from './strategies/built-in/capability-match-strategy.js';
export { roundRobinStrategy } from './strategies/built-in/round-robin-strategy.js';
export { loadBalancedStrategy } from './strategies/built-in/load-balanced-strategy.js';
export { priorityBasedStrategy } from './strategies/built-in/priority-based-strategy.js';

// Distribution
export { TaskDistributor } from './distribution/task-distributor.js';
export { PRIORITY_RANKS } from './distribution/task-queue.js';
export type { ParsedTaskResponse } from './distribution/task-inputs.js';
export { InMemoryTaskStore } from './distribution/in-memory-task-store.js';
export { TaskRecord } from './distribution/task-record.js';

// Validation helper for packages that share core's boundary rules
export { parseInput } from './validation/parse-input.js';
