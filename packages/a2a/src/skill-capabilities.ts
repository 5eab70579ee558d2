import type { AgentCard } from '@a2a-js/sdk';
import { CapabilitySchema } from '@switchyard/core';
import type { SkillMapping } from './a2a-agents-options.js';

/** What a card's skills map to: the capabilities, and the names that are not valid capabilities (left out). */
export interface SkillCapabilities {
  readonly capabilities: string[];
  /** Capability → the skill id it came from (a task naming it is sent with that skill). */
  readonly skillOf: ReadonlyMap<string, string>;
  readonly refused: string[];
}

/** A card's skills as capabilities, by the mapping: skill ids, tags or both, each with the prefix. */
export function skillCapabilities(card: AgentCard, mapping: SkillMapping): SkillCapabilities {
  const capabilities: string[] = [];
  const skillOf = new Map<string, string>();
  const refused: string[] = [];
  for (const skill of card.skills) {
    const names = [...(mapping.from === 'tags' ? [] : [skill.id]), ...(mapping.from === 'id' ? [] : skill.tags)];
    for (const name of names) {
      const capability = `${mapping.prefix}${name}`;
      if (!CapabilitySchema.safeParse(capability).success) {
        refused.push(capability);
        continue;
      }
      if (skillOf.has(capability)) continue;
      skillOf.set(capability, skill.id);
      capabilities.push(capability);
    }
  }
  return { capabilities, skillOf, refused };
}

/** The card's URL as configured, or its well-known path under a base URL (a path not ending in `.json`). */
export function agentCardUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname.endsWith('.json')) return parsed.href;
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/.well-known/agent-card.json`;
  return parsed.href;
}

/** A default agent id from the card's name: `a2a-` and its letters, digits, `_` and `-`. */
export function defaultAgentId(card: AgentCard): string {
  const name = card.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `a2a-${name === '' ? 'agent' : name}`.slice(0, 128);
}
