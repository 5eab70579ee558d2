export { SwitchyardAgent } from './switchyard-agent.js';
export { OrchestratorRejectedError } from './orchestrator-rejected-error.js';
export { AgentOptionsSchema } from './agent-options.js';
export type { AgentOptions } from './agent-options.js';
export type { AgentTask, TaskContext, TaskHandler } from './agent-task.js';
export { TaskFailure } from './task-failure.js';
export { CircuitBreaker } from './circuit-breaker.js';
export { isConnectionRefused } from './connection-refused.js';
