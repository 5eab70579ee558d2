// The public door of @switchyard/core: what an application embedding Switchyard and a strategy
// plugin use. Its export list is pinned by tools/workspace/src/core-public-api.spec.ts; everything
// else the sibling packages share lives in ./internal.ts (`@switchyard/core/internal`).
// Core's injectable classes need the Reflect metadata API; loading it here spares every user the import.
import 'reflect-metadata';

// Models a caller sees, and their schemas
export { AgentRegistrationSchema } from './models/agent-registration.js';
export type { AgentRegistration } from './models/agent-registration.js';
export { AgentStatusSchema } from './models/agent-status.js';
export type { AgentStatus } from './models/agent-status.js';
export { AgentStatusUpdateSchema } from './models/agent-status-update.js';
export type { AgentStatusUpdate } from './models/agent-status-update.js';
export type { AgentOutcomeStats, AgentSnapshot, AgentView } from './models/agent-view.js';
export {
  AgentIdSchema,
  CapabilityListSchema,
  CapabilitySchema,
  SenderIdSchema,
  StrategyNameSchema,
  TaskIdSchema,
} from './models/identifiers.js';
export { isJsonValue, JsonObjectSchema, JsonValueSchema } from './models/json-value.js';
export type { JsonValue } from './models/json-value.js';
export { MessagePrioritySchema } from './models/message-priority.js';
export type { MessagePriority } from './models/message-priority.js';
export { BUILT_IN_STRATEGY_NAMES, BuiltInStrategyNameSchema } from './models/strategy-names.js';
export type { BuiltInStrategyName } from './models/strategy-names.js';
export { FINISHED_TASK_STATUSES, TaskErrorInfoSchema, TaskStatusSchema } from './models/task.js';
export type { Task, TaskAttempt, TaskErrorInfo, TaskStatus } from './models/task.js';
export type { TaskResult } from './models/task-result.js';
export { TaskProgressUpdateSchema } from './models/task-progress.js';
export type { TaskProgressEvent, TaskProgressListener, TaskProgressUpdate } from './models/task-progress.js';

// Errors and their codes
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

// The engine, its options and inputs, and the events it reports
export { OrchestrationEngine } from './engine/orchestration-engine.js';
export {
  AgentLivenessOptionsSchema,
  CoreOptionsSchema,
  DistributionOptionsSchema,
  QueueOptionsSchema,
  RetryOptionsSchema,
  TaskOptionsSchema,
} from './engine/core-options.js';
export type { CoreOptions, CoreOptionsInput, RetryOptions } from './engine/core-options.js';
export {
  CancelTaskInputSchema,
  ExecuteTaskInputSchema,
  ListTasksInputSchema,
  RunTaskRequestSchema,
} from './engine/engine-inputs.js';
export type {
  CancelTaskInput,
  ExecuteTaskInput,
  ListTasksInput,
  RunTaskInput,
  WithAuth,
} from './engine/engine-inputs.js';
export {
  CreateTaskInputSchema,
  DistributeTaskInputSchema,
  TaskResponseInputSchema,
} from './distribution/task-inputs.js';
export type {
  CreateTaskInput,
  DistributeTaskInput,
  TaskAssignment,
  TaskResponseInput,
} from './distribution/task-inputs.js';
export type { DistributionEvent, DistributionEventListener, QueueStats } from './events/distribution-event.js';

// What an application may hand to createCoreModule: clock, logger, authenticator
export type { Clock } from './ports/clock.js';
export { SystemClock } from './ports/system-clock.js';
export type { Logger, LogFields } from './ports/logger.js';
export { SilentLogger } from './ports/silent-logger.js';
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

// Dependency injection
export { TOKENS } from './di/tokens.js';
export { createCoreModule } from './di/create-core-module.js';
export type { CoreModuleParts, StrategyRegistration } from './di/create-core-module.js';

// The strategy plugin API (docs/plugins.md)
export { defineStrategy } from './strategies/define-strategy.js';
export type { StrategyDefinition, StrategyDefinitionInput } from './strategies/define-strategy.js';
export type {
  AgentAttributeName,
  AgentEvent,
  AgentEvents,
  StrategyMetrics,
  StrategyServices,
} from './strategies/strategy-services.js';
export type { DistributionStrategy, StrategyChoice, StrategyOutcome } from './strategies/distribution-strategy.js';
export { decline, isDecline } from './strategies/strategy-decline.js';
export type { StrategyDecline } from './strategies/strategy-decline.js';
export { seededRandom } from './strategies/seeded-random.js';
export type { CandidateView } from './strategies/candidate-view.js';
export { STRATEGY_API_VERSION, SUPPORTED_STRATEGY_API_VERSIONS } from './strategies/strategy-api-version.js';
