import type { AgentRecord } from './agent-record.js';
import type { CandidatePool } from './candidate-pool.js';

/** Index of each ordered heap a pool may keep, into PoolEntry.heapPositions. */
export const HEAP_BY_REGISTRATION = 0;
export const HEAP_BY_LOAD_RATIO = 1;
export const HEAP_BY_PRIORITY = 2;

/**
 * One agent's membership in one candidate pool. The pool's structures hold entries and keep
 * every position in the entry's own fields, so membership and availability changes touch no
 * Map: V8's Map degrades badly when one key is deleted and re-added over and over in a large
 * table, which is exactly what an agent going full and free again does.
 */
export class PoolEntry {
  /** Position in the pool's member list. */
  memberIndex = -1;
  /** Position in the pool's available list, -1 while unavailable. */
  availableIndex = -1;
  /** Position in each of the pool's heaps (see HEAP_*), -1 when not in it. */
  readonly heapPositions: [number, number, number] = [-1, -1, -1];
  /**
   * The agent's sort keys, copied here whenever the pool refreshes the entry: a heap comparison
   * then reads one object instead of two, which matters once the fleet no longer fits in cache.
   */
  loadRatio = 0;
  load = 0;
  priority = 0;
  readonly sequence: number;
  /** Links in the pool's rotation ring, null when not in it. */
  ringPrevious: PoolEntry | null = null;
  ringNext: PoolEntry | null = null;

  constructor(
    readonly pool: CandidatePool,
    readonly agent: AgentRecord,
  ) {
    this.sequence = agent.sequence;
    this.copyKeys();
  }

  /** Re-reads the sort keys from the agent. */
  copyKeys(): void {
    this.load = this.agent.load;
    this.loadRatio = this.agent.load / this.agent.capacity;
    this.priority = this.agent.priority;
  }
}
