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
