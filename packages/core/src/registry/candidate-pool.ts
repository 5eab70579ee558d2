import type { AgentView } from '../models/agent-view.js';
import type { CandidateView } from '../strategies/candidate-view.js';
import { recordOfView } from './agent-read-view.js';
import type { AgentRecord } from './agent-record.js';
import { IndexedHeap } from './indexed-heap.js';
import { HEAP_BY_LOAD_RATIO, HEAP_BY_PRIORITY, HEAP_BY_REGISTRATION, NO_SLOT, PoolSlots } from './pool-slots.js';
import { PriorityWeights } from './priority-weights.js';
import { RoomyCandidates } from './roomy-candidates.js';

/** Distinct task weights whose narrowed views a pool keeps (see withRoomFor); past that it starts over. */
const ROOMY_VIEWS_KEPT = 16;
import { RotationRing } from './rotation-ring.js';

/**
 * The agents that have every capability of one signature (sorted capability set). Each member
 * holds a slot (see PoolSlots); the available ones are kept in a dense list for O(1) sampling,
 * plus whichever ordered indexes strategies have asked for, built on first use and maintained
 * incrementally.
 */
export class CandidatePool implements CandidateView {
  private readonly slots: PoolSlots;
  /** The available members' slots, dense in [0, availableCount). */
  private available: Int32Array;
  private availableCount = 0;
  private byRegistration: IndexedHeap | undefined;
  private byLoadRatio: IndexedHeap | undefined;
  private byPriority: IndexedHeap | undefined;
  private rotation: RotationRing | undefined;
  private weights: PriorityWeights | undefined;
  /** The narrowed view per task weight above 1, made on the first task of that weight. */
  private roomy: Map<number, RoomyCandidates> | undefined;
  /**
   * Whether the slots' load and priority keys follow every change. Only the load-ratio and
   * priority heaps read them, so until one of those is built a change skips them (and the
   * round_robin and capability_match decisions save the work).
   */
  private keysCurrent = false;
  /** Registry clock tick of the last use, for evicting pools nobody asks for. */
  lastUsed = 0;
  /** Moves when a member joins or leaves, or changes an attribute (priority, capacity, capabilities, metadata). */
  membersVersion = 0;

  constructor(
    readonly key: string,
    readonly requiredCapabilities: readonly string[],
    private readonly lookup: (agentId: string) => AgentRecord | undefined,
    /** How many members it will start with, so its storage is sized once. */
    expectedMembers: number,
  ) {
    this.slots = new PoolSlots(expectedMembers);
    this.available = new Int32Array(Math.max(expectedMembers, 8));
  }

  get size(): number {
    return this.availableCount;
  }

  *[Symbol.iterator](): Iterator<AgentView> {
    // A copy, so a strategy that iterates while the pool changes sees a consistent set.
    const agents: AgentView[] = [];
    for (let index = 0; index < this.availableCount; index++)
      agents.push(this.slots.agent(this.available[index] as number).view);
    yield* agents;
  }

  has(agentId: string): boolean {
    return this.get(agentId) !== undefined;
  }

  get(agentId: string): AgentView | undefined {
    const agent = this.lookup(agentId);
    return agent !== undefined && this.isAvailable(agent) ? agent.view : undefined;
  }

  *members(): Iterable<AgentView> {
    const agents: AgentView[] = [];
    this.slots.forEachAgent((agent) => agents.push(agent.view));
    yield* agents;
  }

  /** The candidates with room for a task of that weight (more than 1), ready for one decision. */
  withRoomFor(weight: number): RoomyCandidates {
    this.roomy ??= new Map();
    let view = this.roomy.get(weight);
    if (view === undefined) {
      if (this.roomy.size >= ROOMY_VIEWS_KEPT) this.roomy.clear();
      view = new RoomyCandidates(this, weight);
      this.roomy.set(weight, view);
    }
    return view.forDecision();
  }

  /** Visits every available member (online, with room for one more task), in no particular order. */
  forEachAvailable(visit: (agent: AgentRecord) => void): void {
    for (let index = 0; index < this.availableCount; index++) visit(this.slots.agent(this.available[index] as number));
  }

  /** Visits every member, available or not, with its slot. */
  forEachMember(visit: (agent: AgentRecord, slot: number) => void): void {
    this.slots.forEachAgent(visit);
  }

  /**
   * The registry's record behind a strategy's choice when it is one of this pool's available
   * agents. Checked by identity (no lookup by id): a strategy must return a candidate view it
   * was given, and a look-alike copy is refused.
   */
  availableRecord(choice: unknown): AgentRecord | undefined {
    const agent = recordOfView(choice);
    return agent !== undefined && this.isAvailable(agent) ? agent : undefined;
  }

  at(index: number): AgentView | undefined {
    return index >= 0 && index < this.availableCount
      ? this.slots.agent(this.available[index] as number).view
      : undefined;
  }

  get totalWeight(): number {
    this.weights ??= this.buildWeights();
    return this.weights.total;
  }

  sampleByWeight(draw: number): AgentView | undefined {
    if (this.availableCount === 0) return undefined;
    this.weights ??= this.buildWeights();
    const point = Math.min(Math.max(draw, 0), 1) * this.weights.total;
    const slot = this.weights.find(point);
    if (slot >= 0) return this.slots.agent(slot).view;
    // No candidate has a positive priority: every one is as likely.
    return this.at(Math.min(Math.floor(Math.max(draw, 0) * this.availableCount), this.availableCount - 1));
  }

  first(): AgentView | undefined {
    this.byRegistration ??= this.buildHeap(HEAP_BY_REGISTRATION);
    return this.agentIn(this.byRegistration.peek());
  }

  minByLoadRatio(): AgentView | undefined {
    this.byLoadRatio ??= this.buildHeap(HEAP_BY_LOAD_RATIO);
    return this.agentIn(this.byLoadRatio.peek());
  }

  maxByPriority(): AgentView | undefined {
    this.byPriority ??= this.buildHeap(HEAP_BY_PRIORITY);
    return this.agentIn(this.byPriority.peek());
  }

  nextInRotation(): AgentView | undefined {
    if (this.rotation === undefined) {
      this.rotation = new RotationRing(this.slots);
      const slots = this.slots;
      const inOrder = Array.from(this.available.subarray(0, this.availableCount)).sort(
        (a, b) => slots.sequence(a) - slots.sequence(b),
      );
      for (const slot of inOrder) this.rotation.add(slot);
    }
    return this.agentIn(this.rotation.next());
  }

  /** Adds a capable agent; the returned slot is the agent's handle on this pool. */
  addMember(agent: AgentRecord): number {
    const slot = this.slots.allocate(agent);
    this.membersVersion++;
    if (agent.isAvailable) this.makeAvailable(slot);
    return slot;
  }

  removeMember(slot: number): void {
    this.makeUnavailable(slot);
    this.slots.release(slot);
    this.membersVersion++;
  }

  /** Call after the agent's status, load, capacity or priority changed (`slot` is its slot here). */
  refresh(slot: number, agent: AgentRecord): void {
    if (this.keysCurrent) this.slots.copyKeys(slot, agent);
    const wasAvailable = this.slots.availableIndex(slot) >= 0;
    if (!agent.isAvailable) {
      if (wasAvailable) this.makeUnavailable(slot);
      return;
    }
    if (!wasAvailable) {
      this.makeAvailable(slot);
      return;
    }
    this.byLoadRatio?.update(slot);
    this.byPriority?.update(slot);
    this.weights?.set(slot, PriorityWeights.weightOf(agent.priority));
  }

  /** A member changed an attribute strategies may have derived something from. */
  touchMembers(): void {
    this.membersVersion++;
  }

  /** Drops every index (the pool is being evicted). */
  dispose(): void {
    this.availableCount = 0;
    this.byRegistration = undefined;
    this.byLoadRatio = undefined;
    this.byPriority = undefined;
    this.rotation = undefined;
    this.weights = undefined;
    this.roomy = undefined;
  }

  private isAvailable(agent: AgentRecord): boolean {
    const slot = agent.slotIn(this);
    return slot !== NO_SLOT && this.slots.availableIndex(slot) >= 0;
  }

  private agentIn(slot: number): AgentView | undefined {
    return slot === NO_SLOT ? undefined : this.slots.agent(slot).view;
  }

  private buildWeights(): PriorityWeights {
    const weights = new PriorityWeights(this.slots.size);
    for (let index = 0; index < this.availableCount; index++) {
      const slot = this.available[index] as number;
      weights.set(slot, PriorityWeights.weightOf(this.slots.agent(slot).priority));
    }
    return weights;
  }

  private buildHeap(heap: number): IndexedHeap {
    if (heap !== HEAP_BY_REGISTRATION && !this.keysCurrent) {
      this.slots.forEachAgent((agent, slot) => {
        this.slots.copyKeys(slot, agent);
      });
      this.keysCurrent = true;
    }
    // Room for every member: any of them may become available, and growing leaves garbage.
    return IndexedHeap.from(this.slots, this.available, this.availableCount, heap, this.slots.size);
  }

  private makeAvailable(slot: number): void {
    if (this.slots.availableIndex(slot) >= 0) return;
    if (this.availableCount === this.available.length) {
      const grown = new Int32Array(Math.ceil(this.available.length * 1.5));
      grown.set(this.available);
      this.available = grown;
    }
    this.slots.setAvailableIndex(slot, this.availableCount);
    this.available[this.availableCount++] = slot;
    this.byRegistration?.push(slot);
    this.byLoadRatio?.push(slot);
    this.byPriority?.push(slot);
    this.rotation?.add(slot);
    this.weights?.set(slot, PriorityWeights.weightOf(this.slots.agent(slot).priority));
  }

  private makeUnavailable(slot: number): void {
    const index = this.slots.availableIndex(slot);
    if (index < 0) return;
    // Swap-remove: the last available slot takes its place (O(1), order not kept).
    const last = this.available[--this.availableCount] as number;
    if (index < this.availableCount) {
      this.available[index] = last;
      this.slots.setAvailableIndex(last, index);
    }
    this.slots.setAvailableIndex(slot, NO_SLOT);
    this.byRegistration?.remove(slot);
    this.byLoadRatio?.remove(slot);
    this.byPriority?.remove(slot);
    this.rotation?.remove(slot);
    this.weights?.set(slot, 0);
  }
}
