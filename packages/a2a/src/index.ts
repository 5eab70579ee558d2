export { A2aAgents } from './a2a-agents.js';
export type { A2aAgentState } from './a2a-card-link.js';
export {
  A2aAgentsOptionsSchema,
  A2aAuthSchema,
  A2aCardSchema,
  A2aDirectorySchema,
  A2aSecretSchema,
  DEFAULT_A2A_CAPACITY,
  SkillMappingSchema,
} from './a2a-agents-options.js';
export type { A2aAgentsOptions, A2aAgentsOptionsInput, A2aAuth, A2aCard, SkillMapping } from './a2a-agents-options.js';
export { dataPart, jsonOfPart, partsOfTaskData, taskDataOfParts, textPart } from './a2a-parts.js';
export type { ArtifactJson } from './a2a-parts.js';
export { agentCardUrl, skillCapabilities } from './skill-capabilities.js';
export { A2aServer } from './a2a-server.js';
export type { A2aHttpRoute, A2aServerParts } from './a2a-server.js';
export { A2aServerOptionsSchema } from './a2a-server-options.js';
export type { A2aServerOptions, A2aServerOptionsInput } from './a2a-server-options.js';
export { A2aOptionsSchema } from './a2a-options.js';
export type { A2aOptions, A2aOptionsInput } from './a2a-options.js';
