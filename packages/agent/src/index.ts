export { SwitchyardAgent, OrchestratorRejectedError } from './switchyard-agent.js';
export { AgentOptionsSchema } from './agent-options.js';
export type { AgentOptions } from './agent-options.js';
export type { AgentTask, TaskContext, TaskHandler } from './agent-task.js';
export { TaskFailure } from './task-failure.js';
