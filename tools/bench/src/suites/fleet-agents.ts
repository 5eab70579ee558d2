import { seededRandom } from '../seeded-random.js';

const EXTRA_CAPABILITIES = ['summarize', 'code', 'review', 'translate', 'vision', 'audio', 'search', 'plan'];

export interface FleetAgent {
  readonly agentId: string;
  readonly capabilities: string[];
  readonly priority: number;
  readonly capacity: number;
  readonly load: number;
}

/**
 * `size` agents that all have 'work' plus one of eight other capabilities, with varied priority,
 * capacity and initial load (up to half the capacity). Generated one at a time so a fleet of a
 * million costs no list of a million descriptions.
 */
export function* fleetAgents(size: number): Generator<FleetAgent> {
  const random = seededRandom(size);
  // Capability lists are shared: a registry copies what it keeps.
  const capabilityLists = EXTRA_CAPABILITIES.map((extra) => ['work', extra]);
  for (let index = 0; index < size; index++) {
    const priority = Math.floor(random() * 10);
    const capacity = 8 * 2 ** Math.floor(random() * 4);
    const load = Math.floor(random() * (capacity / 2));
    yield {
      agentId: `agent-${String(index)}`,
      capabilities: capabilityLists[index % capabilityLists.length] ?? [],
      priority,
      capacity,
      load,
    };
  }
}
