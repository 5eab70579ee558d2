import type { AgentRecord } from './agent-record.js';
import type { CandidatePool } from './candidate-pool.js';
import type { HeapItem } from './indexed-heap.js';

/** The slot of each ordered heap a pool may keep (see PoolEntry.heapPosition). */
export const HEAP_BY_REGISTRATION = 0;
export const HEAP_BY_LOAD_RATIO = 1;
export const HEAP_BY_PRIORITY = 2;

/**
 * One agent's membership in one candidate pool. The pool's structures hold entries and keep
 * every position in the entry's own fields, so membership and availability changes touch no
 * Map: V8's Map degrades badly when one key is deleted and re-added over and over in a large
 * table, which is exactly what an agent going full and free again does.
 */
export class PoolEntry implements HeapItem {
  /** Position in the pool's member list. */
  memberIndex = -1;
  /** Position in the pool's available list, -1 while unavailable. */
  availableIndex = -1;
  /**
   * Position in each of the pool's heaps (see HEAP_*), -1 when not in it. Three fields rather
   * than an array, which would cost 72 bytes more per entry: a fleet of 100,000 agents notices.
   */
  private byRegistrationPosition = -1;
  private byLoadRatioPosition = -1;
  private byPriorityPosition = -1;
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

  heapPosition(slot: number): number {
    if (slot === HEAP_BY_REGISTRATION) return this.byRegistrationPosition;
    return slot === HEAP_BY_LOAD_RATIO ? this.byLoadRatioPosition : this.byPriorityPosition;
  }

  setHeapPosition(slot: number, index: number): void {
    if (slot === HEAP_BY_REGISTRATION) this.byRegistrationPosition = index;
    else if (slot === HEAP_BY_LOAD_RATIO) this.byLoadRatioPosition = index;
    else this.byPriorityPosition = index;
  }

  /** Re-reads the sort keys from the agent. */
  copyKeys(): void {
    this.load = this.agent.load;
    this.loadRatio = this.agent.load / this.agent.capacity;
    this.priority = this.agent.priority;
  }
}
