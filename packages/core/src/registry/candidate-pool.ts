import type { AgentView } from '../models/agent-view.js';
import type { CandidateView } from '../strategies/candidate-view.js';
import { AgentRecord } from './agent-record.js';
import { IndexedHeap } from './indexed-heap.js';
import { HEAP_BY_LOAD_RATIO, HEAP_BY_PRIORITY, HEAP_BY_REGISTRATION, PoolEntry } from './pool-entry.js';
import { RotationRing } from './rotation-ring.js';

// The heaps' orders, as "a sorts strictly before b" (see IndexedHeap.before).
const registeredEarlier = (a: PoolEntry, b: PoolEntry): boolean => a.sequence < b.sequence;

const lessLoaded = (a: PoolEntry, b: PoolEntry): boolean => {
  if (a.loadRatio !== b.loadRatio) return a.loadRatio < b.loadRatio;
  if (a.load !== b.load) return a.load < b.load;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.sequence < b.sequence;
};

const higherPriority = (a: PoolEntry, b: PoolEntry): boolean => {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.loadRatio !== b.loadRatio) return a.loadRatio < b.loadRatio;
  if (a.load !== b.load) return a.load < b.load;
  return a.sequence < b.sequence;
};

const byRegistration = (a: PoolEntry, b: PoolEntry): number => a.sequence - b.sequence;

/**
 * The agents that have every capability of one signature (sorted capability set). `members`
 * holds them all; the available ones are kept in a dense array for O(1) sampling, plus whichever
 * ordered indexes strategies have asked for, built on first use and maintained incrementally.
 */
export class CandidatePool implements CandidateView {
  /** Every capable agent's entry, available or not. */
  readonly memberEntries: PoolEntry[] = [];
  private readonly available: PoolEntry[] = [];
  private byRegistration: IndexedHeap<PoolEntry> | undefined;
  private byLoadRatio: IndexedHeap<PoolEntry> | undefined;
  private byPriority: IndexedHeap<PoolEntry> | undefined;
  private rotation: RotationRing<PoolEntry> | undefined;
  /** Registry clock tick of the last use, for evicting pools nobody asks for. */
  lastUsed = 0;
  membersVersion = 0;

  constructor(
    readonly key: string,
    readonly requiredCapabilities: readonly string[],
    private readonly lookup: (agentId: string) => AgentRecord | undefined,
  ) {}

  get size(): number {
    return this.available.length;
  }

  *[Symbol.iterator](): Iterator<AgentView> {
    // A copy, so a strategy that iterates while the pool changes sees a consistent set.
    for (const entry of this.available.slice()) yield entry.agent;
  }

  has(agentId: string): boolean {
    return this.get(agentId) !== undefined;
  }

  get(agentId: string): AgentView | undefined {
    const agent = this.lookup(agentId);
    return agent !== undefined && (this.entryOf(agent)?.availableIndex ?? -1) >= 0 ? agent : undefined;
  }

  *members(): Iterable<AgentView> {
    for (const entry of this.memberEntries.slice()) yield entry.agent;
  }

  /**
   * The registry's record behind a strategy's choice when it is one of this pool's available
   * agents. Checked by identity (no lookup by id): a strategy must return a candidate it was
   * given, and a look-alike copy is refused.
   */
  availableRecord(choice: AgentView): AgentRecord | undefined {
    if (!(choice instanceof AgentRecord)) return undefined;
    return (this.entryOf(choice)?.availableIndex ?? -1) >= 0 ? choice : undefined;
  }

  at(index: number): AgentView | undefined {
    return this.available[index]?.agent;
  }

  first(): AgentView | undefined {
    this.byRegistration ??= IndexedHeap.from(this.available, registeredEarlier, HEAP_BY_REGISTRATION);
    return this.byRegistration.peek()?.agent;
  }

  minByLoadRatio(): AgentView | undefined {
    this.byLoadRatio ??= IndexedHeap.from(this.available, lessLoaded, HEAP_BY_LOAD_RATIO);
    return this.byLoadRatio.peek()?.agent;
  }

  maxByPriority(): AgentView | undefined {
    this.byPriority ??= IndexedHeap.from(this.available, higherPriority, HEAP_BY_PRIORITY);
    return this.byPriority.peek()?.agent;
  }

  nextInRotation(): AgentView | undefined {
    if (this.rotation === undefined) {
      this.rotation = new RotationRing();
      for (const entry of this.available.slice().sort(byRegistration)) this.rotation.add(entry);
    }
    return this.rotation.next()?.agent;
  }

  /** Adds a capable agent; the returned entry is the agent's handle on this pool. */
  addMember(agent: AgentRecord): PoolEntry {
    const entry = new PoolEntry(this, agent);
    entry.memberIndex = this.memberEntries.length;
    this.memberEntries.push(entry);
    this.membersVersion++;
    if (agent.isAvailable) this.makeAvailable(entry);
    return entry;
  }

  removeMember(entry: PoolEntry): void {
    this.makeUnavailable(entry);
    swapRemove(this.memberEntries, entry.memberIndex, (moved, index) => {
      moved.memberIndex = index;
    });
    entry.memberIndex = -1;
    this.membersVersion++;
  }

  /** Call after the agent's status, load, capacity or priority changed. */
  refresh(entry: PoolEntry): void {
    entry.copyKeys();
    const wasAvailable = entry.availableIndex >= 0;
    if (!entry.agent.isAvailable) {
      if (wasAvailable) this.makeUnavailable(entry);
      return;
    }
    if (!wasAvailable) {
      this.makeAvailable(entry);
      return;
    }
    this.byLoadRatio?.update(entry);
    this.byPriority?.update(entry);
  }

  /** Drops every index (the pool is being evicted). */
  dispose(): void {
    for (const entry of this.available) entry.availableIndex = -1;
    this.available.length = 0;
    this.byRegistration?.clear();
    this.byLoadRatio?.clear();
    this.byPriority?.clear();
    for (const entry of this.memberEntries) this.rotation?.remove(entry);
  }

  private entryOf(agent: AgentRecord): PoolEntry | undefined {
    return agent.entryIn(this);
  }

  private makeAvailable(entry: PoolEntry): void {
    if (entry.availableIndex >= 0) return;
    entry.availableIndex = this.available.length;
    this.available.push(entry);
    this.byRegistration?.push(entry);
    this.byLoadRatio?.push(entry);
    this.byPriority?.push(entry);
    this.rotation?.add(entry);
  }

  private makeUnavailable(entry: PoolEntry): void {
    if (entry.availableIndex < 0) return;
    swapRemove(this.available, entry.availableIndex, (moved, index) => {
      moved.availableIndex = index;
    });
    entry.availableIndex = -1;
    this.byRegistration?.remove(entry);
    this.byLoadRatio?.remove(entry);
    this.byPriority?.remove(entry);
    this.rotation?.remove(entry);
  }
}

/** Removes list[index] by moving the last item into its place (O(1), order not kept). */
function swapRemove<T>(list: T[], index: number, moved: (item: T, index: number) => void): void {
  const last = list.pop() as T;
  if (index < list.length) {
    list[index] = last;
    moved(last, index);
  }
}
