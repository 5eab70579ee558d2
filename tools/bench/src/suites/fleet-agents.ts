const EXTRA_CAPABILITIES = ['summarize', 'code', 'review', 'translate', 'vision', 'audio', 'search', 'plan'];

/** A deterministic pseudo-random sequence, so every run builds the same fleet. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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
    yield { agentId: `agent-${String(index)}`, capabilities: capabilityLists[index % capabilityLists.length] ?? [], priority, capacity, load };
  }
}
