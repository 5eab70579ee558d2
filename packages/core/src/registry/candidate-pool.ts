import type { AgentView } from '../models/agent-view.js';
import type { CandidateView } from '../strategies/candidate-view.js';
import type { AgentRecord } from './agent-record.js';
import { IndexedHeap } from './indexed-heap.js';
import { RotationRing } from './rotation-ring.js';

function loadRatio(agent: AgentRecord): number {
  return agent.load / agent.capacity;
}

const byRegistration = (a: AgentRecord, b: AgentRecord): number => a.sequence - b.sequence;

const byLoadRatio = (a: AgentRecord, b: AgentRecord): number =>
  loadRatio(a) - loadRatio(b) || a.load - b.load || b.priority - a.priority || a.sequence - b.sequence;

const byPriority = (a: AgentRecord, b: AgentRecord): number =>
  b.priority - a.priority || loadRatio(a) - loadRatio(b) || a.load - b.load || a.sequence - b.sequence;

/**
 * The agents that have every capability of one signature (sorted capability set). `members`
 * holds them all; the available ones are kept in an array for O(1) sampling plus whichever
 * ordered indexes strategies have asked for, built on first use and maintained incrementally.
 */
export class CandidatePool implements CandidateView {
  readonly members = new Set<AgentRecord>();
  private readonly available: AgentRecord[] = [];
  /** Agent id -> position in `available`. */
  private readonly availableIndex = new Map<string, number>();
  private byRegistration: IndexedHeap<AgentRecord> | undefined;
  private byLoadRatio: IndexedHeap<AgentRecord> | undefined;
  private byPriority: IndexedHeap<AgentRecord> | undefined;
  private rotation: RotationRing<AgentRecord> | undefined;
  /** Registry clock tick of the last use, for evicting pools nobody asks for. */
  lastUsed = 0;

  constructor(
    readonly key: string,
    readonly requiredCapabilities: readonly string[],
  ) {}

  get size(): number {
    return this.available.length;
  }

  *[Symbol.iterator](): Iterator<AgentView> {
    // A copy, so a strategy that iterates while the pool changes sees a consistent set.
    yield* this.available.slice();
  }

  has(agentId: string): boolean {
    return this.availableIndex.has(agentId);
  }

  at(index: number): AgentView | undefined {
    return this.available[index];
  }

  first(): AgentView | undefined {
    this.byRegistration ??= IndexedHeap.from(this.available, byRegistration);
    return this.byRegistration.peek();
  }

  minByLoadRatio(): AgentView | undefined {
    this.byLoadRatio ??= IndexedHeap.from(this.available, byLoadRatio);
    return this.byLoadRatio.peek();
  }

  maxByPriority(): AgentView | undefined {
    this.byPriority ??= IndexedHeap.from(this.available, byPriority);
    return this.byPriority.peek();
  }

  nextInRotation(): AgentView | undefined {
    if (this.rotation === undefined) {
      this.rotation = new RotationRing();
      for (const agent of this.available.slice().sort(byRegistration)) this.rotation.add(agent);
    }
    return this.rotation.next();
  }

  addMember(agent: AgentRecord): void {
    this.members.add(agent);
    if (agent.isAvailable) this.makeAvailable(agent);
  }

  removeMember(agent: AgentRecord): void {
    this.members.delete(agent);
    this.makeUnavailable(agent);
  }

  /** Call after an agent's status, load, capacity or priority changed. */
  refresh(agent: AgentRecord): void {
    const wasAvailable = this.availableIndex.has(agent.id);
    if (!agent.isAvailable) {
      if (wasAvailable) this.makeUnavailable(agent);
      return;
    }
    if (!wasAvailable) {
      this.makeAvailable(agent);
      return;
    }
    this.byLoadRatio?.update(agent);
    this.byPriority?.update(agent);
  }

  private makeAvailable(agent: AgentRecord): void {
    if (this.availableIndex.has(agent.id)) return;
    this.availableIndex.set(agent.id, this.available.length);
    this.available.push(agent);
    this.byRegistration?.push(agent);
    this.byLoadRatio?.push(agent);
    this.byPriority?.push(agent);
    this.rotation?.add(agent);
  }

  private makeUnavailable(agent: AgentRecord): void {
    const index = this.availableIndex.get(agent.id);
    if (index === undefined) return;
    // Swap-remove keeps the array dense for O(1) random access.
    const last = this.available.pop() as AgentRecord;
    this.availableIndex.delete(agent.id);
    if (last !== agent) {
      this.available[index] = last;
      this.availableIndex.set(last.id, index);
    }
    this.byRegistration?.remove(agent);
    this.byLoadRatio?.remove(agent);
    this.byPriority?.remove(agent);
    this.rotation?.remove(agent);
  }
}
