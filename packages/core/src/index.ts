// The only public door of @switchyard/core.
// Core's injectable classes need the Reflect metadata API; loading it here spares every user the import.
import 'reflect-metadata';

// Models and their schemas
export { AddressSchema, EnvelopeSchema, AckPayloadSchema, AgentRegisterPayloadSchema, AgentSessionSchema, AnswerRefusedPayloadSchema, TaskCancelPayloadSchema, TaskRequestPayloadSchema, TaskResponsePayloadSchema } from './models/envelope.js';
export type { AckPayload, AnswerRefusedPayload, Envelope, EnvelopeInput, EnvelopeKind, EnvelopeOf, TaskCancelPayload, TaskRequestPayload, TaskResponsePayload } from './models/envelope.js';
export { ORCHESTRATOR_ADDRESS, agentAddress, agentIdFromAddress } from './models/addresses.js';
export { AgentRegistrationSchema } from './models/agent-registration.js';
export type { AgentRegistration, JournaledAgent, ParsedAgentRegistration } from './models/agent-registration.js';
export { JournaledAgentSchema } from './models/agent-registration.js';
export { AgentStatusSchema } from './models/agent-status.js';
export type { AgentStatus } from './models/agent-status.js';
export { AgentStatusUpdateSchema } from './models/agent-status-update.js';
export type { AgentStatusUpdate } from './models/agent-status-update.js';
export type { AgentOutcomeStats, AgentSnapshot, AgentView } from './models/agent-view.js';
export { AgentIdSchema, CapabilityListSchema, CapabilitySchema, SenderIdSchema, StrategyNameSchema, TaskIdSchema } from './models/identifiers.js';
export { isJsonValue, JsonObjectSchema, JsonValueSchema } from './models/json-value.js';
export type { JsonValue } from './models/json-value.js';
export { MessagePrioritySchema } from './models/message-priority.js';
export type { MessagePriority } from './models/message-priority.js';
export { BUILT_IN_STRATEGY_NAMES, BuiltInStrategyNameSchema } from './models/strategy-names.js';
export type { BuiltInStrategyName } from './models/strategy-names.js';
export { FINISHED_TASK_STATUSES, TaskErrorInfoSchema, TaskStatusSchema } from './models/task.js';
export type { Task, TaskAttempt, TaskErrorInfo, TaskStatus } from './models/task.js';
export type { TaskResult } from './models/task-result.js';

// Errors
export { SwitchyardError } from './errors/switchyard-error.js';
export { ValidationError } from './errors/validation-error.js';
export type { ValidationIssue } from './errors/validation-error.js';
export { TaskDistributionError } from './errors/task-distribution-error.js';
export type { TaskDistributionDetails, TaskDistributionErrorCode } from './errors/task-distribution-error.js';
export { AuthenticationError } from './errors/authentication-error.js';
export { AuthorizationError } from './errors/authorization-error.js';
export type { AuthorizationErrorCode } from './errors/authorization-error.js';
export { CommunicationError } from './errors/communication-error.js';
export type { CommunicationErrorCode } from './errors/communication-error.js';
export { NotFoundError } from './errors/not-found-error.js';
export type { NotFoundErrorCode } from './errors/not-found-error.js';
export { TaskStateError } from './errors/task-state-error.js';
export type { TaskStateErrorCode } from './errors/task-state-error.js';
export { TaskExecutionError } from './errors/task-execution-error.js';
export type { TaskExecutionErrorCode } from './errors/task-execution-error.js';
export { StrategyError } from './errors/strategy-error.js';
export type { StrategyErrorCode } from './errors/strategy-error.js';

// Ports
export type { Transport, TransportSubscription, EnvelopeHandler, UndeliveredHandler } from './ports/transport.js';
export type { TaskStore } from './ports/task-store.js';
export type { JournaledAnswer, JournalEntry, JournalWrite, TaskJournal, TaskJournalSink } from './ports/task-journal.js';
export { InMemoryJournalStore, InMemoryTaskJournal } from './distribution/in-memory-task-journal.js';
export { JournaledTaskSchema, TaskAttemptSchema } from './models/journaled-task.js';
export type { JournaledTask } from './models/journaled-task.js';
export type { Clock } from './ports/clock.js';
export { SystemClock } from './ports/system-clock.js';
export type { Logger, LogFields } from './ports/logger.js';
export { SilentLogger } from './ports/silent-logger.js';
export { SummarizingLogger } from './ports/summarizing-logger.js';
export type { SummarizingLoggerOptions } from './ports/summarizing-logger.js';
export { TRANSPORT_OWNER } from './registry/agent-claims.js';
export { isSameSession, newAgentSession } from './auth/agent-session.js';

// Registry and strategies
export { AgentRegistry } from './registry/agent-registry.js';
export type { AgentAttribute, AgentChange, CandidateShortfall } from './registry/agent-registry.js';
export type { AgentRecord } from './registry/agent-record.js';
export type { CandidatePool } from './registry/candidate-pool.js';
export type { CandidateView } from './strategies/candidate-view.js';
export type { DistributionStrategy, StrategyChoice, StrategyOutcome } from './strategies/distribution-strategy.js';
export { defineStrategy, isStrategyDefinition } from './strategies/define-strategy.js';
export type { StrategyDefinition, StrategyDefinitionInput } from './strategies/define-strategy.js';
export type { AgentAttributeName, AgentEvent, AgentEvents, StrategyMetrics, StrategyServices } from './strategies/strategy-services.js';
export { decline, isDecline } from './strategies/strategy-decline.js';
export type { StrategyDecline } from './strategies/strategy-decline.js';
export { seededRandom } from './strategies/seeded-random.js';
export type { StrategyHost } from './strategies/strategy-host.js';
export type { StrategyMetricSample } from './strategies/strategy-metrics-recorder.js';
export { STRATEGY_API_VERSION, SUPPORTED_STRATEGY_API_VERSIONS } from './strategies/strategy-api-version.js';
export { StrategyRegistry } from './strategies/strategy-registry.js';
export type { CheckedStrategy, RegisteredStrategy } from './strategies/strategy-registry.js';
export { BUILT_IN_STRATEGIES } from './strategies/built-in/built-in-strategies.js';
export { capabilityMatchStrategy } from './strategies/built-in/capability-match-strategy.js';
export { roundRobinStrategy } from './strategies/built-in/round-robin-strategy.js';
export { loadBalancedStrategy } from './strategies/built-in/load-balanced-strategy.js';
export { priorityBasedStrategy } from './strategies/built-in/priority-based-strategy.js';

// Distribution, communication, engine
export { TaskDistributor } from './distribution/task-distributor.js';
export type { DistributionEvent, DistributionEventListener, QueueStats } from './events/distribution-event.js';
export { PRIORITY_RANKS } from './distribution/task-queue.js';
export { CreateTaskInputSchema, DistributeTaskInputSchema, TaskResponseInputSchema } from './distribution/task-inputs.js';
export type { CreateTaskInput, DistributeTaskInput, ParsedTaskResponse, TaskAssignment, TaskResponseInput } from './distribution/task-inputs.js';
export { InMemoryTaskStore } from './distribution/in-memory-task-store.js';
export { TaskRecord } from './distribution/task-record.js';
export { CommunicationManager } from './communication/communication-manager.js';
export type { InboundHandlers } from './communication/communication-manager.js';
export { decodeEnvelope, decodeEnvelopeBatch, encodeEnvelope, encodeEnvelopeBatch, validateEnvelope } from './communication/envelope-codec.js';
export type { DecodedBatch } from './communication/expand-packed-run.js';
export { PackedRunSchema } from './models/packed-run.js';
export type { PackedRun } from './models/packed-run.js';
export { nextEnvelopeId } from './communication/envelope-id.js';
export { HandlerRuns } from './communication/handler-runs.js';
export { OrchestrationEngine } from './engine/orchestration-engine.js';
export { AgentLivenessOptionsSchema, CoreOptionsSchema, DistributionOptionsSchema, QueueOptionsSchema, RetryOptionsSchema, TaskOptionsSchema } from './engine/core-options.js';
export type { CoreOptions, CoreOptionsInput, RetryOptions } from './engine/core-options.js';
export { ExecuteTaskInputSchema, ListTasksInputSchema, RunTaskRequestSchema } from './engine/engine-inputs.js';
export type { ExecuteTaskInput, ListTasksInput, RunTaskInput, WithAuth } from './engine/engine-inputs.js';

// Auth
export { PermissionSchema } from './auth/permission.js';
export type { Permission } from './auth/permission.js';
export type { Principal } from './auth/principal.js';
export type { Authenticator } from './auth/authenticator.js';
export { TokenAuthenticator } from './auth/token-authenticator.js';
export { AuthOptionsSchema, TokenEntrySchema } from './auth/auth-options.js';
export type { AuthOptions, TokenEntry } from './auth/auth-options.js';
export { hashToken } from './auth/hash-token.js';
export { webCryptoDigest } from './auth/token-digest.js';
export type { TokenDigest } from './auth/token-digest.js';
export { authorize, authorizeAgent } from './auth/authorize.js';

// Dependency injection
export { TOKENS } from './di/tokens.js';
export { createCoreModule } from './di/create-core-module.js';
export type { CoreModuleParts, StrategyRegistration } from './di/create-core-module.js';

// Validation helper for packages that share core's boundary rules
export { parseInput } from './validation/parse-input.js';
