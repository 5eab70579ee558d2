/** An agent as a naive implementation keeps it: a plain object in one array. */
export interface NaiveAgent {
  readonly id: string;
  readonly capabilities: ReadonlySet<string>;
  readonly priority: number;
  readonly capacity: number;
  readonly sequence: number;
  load: number;
}

const ratio = (agent: NaiveAgent): number => agent.load / agent.capacity;

/**
 * The baseline: what a distributor without indexes does for every decision (the seed's way):
 * scan all agents for the capable and available ones, then pick by the strategy's rule.
 */
export class NaiveSelection {
  private rotation = 0;

  constructor(private readonly agents: readonly NaiveAgent[]) {}

  select(strategy: string, required: readonly string[]): NaiveAgent | undefined {
    const candidates = this.agents.filter(
      (agent) => agent.load < agent.capacity && required.every((capability) => agent.capabilities.has(capability)),
    );
    if (candidates.length === 0) return undefined;
    switch (strategy) {
      case 'capability_match':
        return candidates[0];
      case 'round_robin':
        return candidates[this.rotation++ % candidates.length];
      case 'load_balanced':
        return candidates.reduce((best, agent) => {
          const difference =
            ratio(agent) - ratio(best) ||
            agent.load - best.load ||
            best.priority - agent.priority ||
            agent.sequence - best.sequence;
          return difference < 0 ? agent : best;
        });
      case 'priority_based':
        return candidates.reduce((best, agent) => {
          const difference =
            best.priority - agent.priority ||
            ratio(agent) - ratio(best) ||
            agent.load - best.load ||
            agent.sequence - best.sequence;
          return difference < 0 ? agent : best;
        });
      default:
        throw new Error(`no naive version of ${strategy}`);
    }
  }
}
