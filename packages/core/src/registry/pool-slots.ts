import type { AgentRecord } from './agent-record.js';

/** The slot of each ordered heap a pool may keep (see PoolSlots.heapPosition). */
export const HEAP_BY_REGISTRATION = 0;
export const HEAP_BY_LOAD_RATIO = 1;
export const HEAP_BY_PRIORITY = 2;

/**
 * Numbers per slot: four float64 sort keys, each smaller-first (read directly by the heaps'
 * orders, see IndexedHeap), then six int32 positions packed two to a float64.
 */
export const STRIDE = 7;
/** Minus the priority, so that every key sorts smaller first. */
export const PRIORITY_RANK = 0;
export const LOAD_RATIO = 1;
export const LOAD = 2;
export const SEQUENCE = 3;
/** int32 offsets inside a slot: float64 index 4 onwards, seen as int32. */
const INT_STRIDE = 2 * STRIDE;
const AVAILABLE_INDEX = 8;
const HEAP_POSITION = 9; // three of them, one per HEAP_* slot
const RING_PREVIOUS = 12;
const RING_NEXT = 13;
/** A slot with nothing in it: a link or position that is not set. */
export const NO_SLOT = -1;

/**
 * Each candidate-pool member's sort keys and positions, kept as numbers in one ArrayBuffer
 * (56 bytes a member) instead of one object per member and pool: at 100,000
 * agents an object, its HeapNumber-boxed load ratio and the pointer arrays that held it cost
 * about twice as much, and every one of them was young-generation garbage to copy while a
 * fleet registered. A member is known by its slot number; freed slots are reused.
 */
export class PoolSlots {
  private numbers: Float64Array;
  private ints: Int32Array;
  /** The agent in each slot, undefined for a free slot. */
  private readonly agents: (AgentRecord | undefined)[] = [];
  private readonly free: number[] = [];
  private used = 0;

  /**
   * Room for `expected` members from the start: every growth copies the storage and leaves the
   * old buffer to the C allocator, which often keeps its pages (a few MiB at 100,000 agents).
   */
  constructor(expected: number) {
    this.numbers = new Float64Array(Math.max(expected, 8) * STRIDE);
    this.ints = new Int32Array(this.numbers.buffer);
  }

  /** How many slots hold an agent. */
  get size(): number {
    return this.used;
  }

  /** Takes a slot for the agent, with its keys read and every position unset. */
  allocate(agent: AgentRecord): number {
    const slot = this.free.pop() ?? this.agents.length;
    if (slot === this.agents.length) {
      this.agents.push(agent);
      if (slot * STRIDE >= this.numbers.length) this.grow();
    } else {
      this.agents[slot] = agent;
    }
    const base = slot * INT_STRIDE;
    this.ints.fill(NO_SLOT, base + AVAILABLE_INDEX, base + INT_STRIDE);
    this.numbers[slot * STRIDE + SEQUENCE] = agent.sequence;
    this.copyKeys(slot, agent);
    this.used++;
    return slot;
  }

  release(slot: number): void {
    this.agents[slot] = undefined;
    this.free.push(slot);
    this.used--;
  }

  /** Every slot's sort keys, STRIDE numbers a slot (replaced when the slots grow: do not keep it). */
  get keys(): Float64Array {
    return this.numbers;
  }

  agent(slot: number): AgentRecord {
    return this.agents[slot] as AgentRecord;
  }

  /** Visits every agent that holds a slot. */
  forEachAgent(visit: (agent: AgentRecord, slot: number) => void): void {
    const agents = this.agents;
    for (let slot = 0; slot < agents.length; slot++) {
      const agent = agents[slot];
      if (agent !== undefined) visit(agent, slot);
    }
  }

  /** Re-reads the slot's sort keys from its agent. */
  copyKeys(slot: number, agent: AgentRecord): void {
    const base = slot * STRIDE;
    this.numbers[base + PRIORITY_RANK] = -agent.priority;
    this.numbers[base + LOAD_RATIO] = agent.load / agent.capacity;
    this.numbers[base + LOAD] = agent.load;
  }

  sequence(slot: number): number {
    return this.numbers[slot * STRIDE + SEQUENCE] as number;
  }

  /** Position in the pool's available list, NO_SLOT while unavailable. */
  availableIndex(slot: number): number {
    return this.ints[slot * INT_STRIDE + AVAILABLE_INDEX] as number;
  }

  setAvailableIndex(slot: number, index: number): void {
    this.ints[slot * INT_STRIDE + AVAILABLE_INDEX] = index;
  }

  /** Position in the heap of that HEAP_* slot, NO_SLOT when not in it. */
  heapPosition(slot: number, heap: number): number {
    return this.ints[slot * INT_STRIDE + HEAP_POSITION + heap] as number;
  }

  setHeapPosition(slot: number, heap: number, index: number): void {
    this.ints[slot * INT_STRIDE + HEAP_POSITION + heap] = index;
  }

  /** Neighbours in the pool's rotation ring, NO_SLOT when not in it. */
  ringPrevious(slot: number): number {
    return this.ints[slot * INT_STRIDE + RING_PREVIOUS] as number;
  }

  ringNext(slot: number): number {
    return this.ints[slot * INT_STRIDE + RING_NEXT] as number;
  }

  setRingLinks(slot: number, previous: number, next: number): void {
    const base = slot * INT_STRIDE;
    this.ints[base + RING_PREVIOUS] = previous;
    this.ints[base + RING_NEXT] = next;
  }

  setRingPrevious(slot: number, previous: number): void {
    this.ints[slot * INT_STRIDE + RING_PREVIOUS] = previous;
  }

  setRingNext(slot: number, next: number): void {
    this.ints[slot * INT_STRIDE + RING_NEXT] = next;
  }

  /** Half again as many slots (untouched pages of a large buffer cost no memory until used). */
  private grow(): void {
    const numbers = new Float64Array(Math.ceil((this.numbers.length / STRIDE) * 1.5) * STRIDE);
    numbers.set(this.numbers);
    this.numbers = numbers;
    this.ints = new Int32Array(numbers.buffer);
  }
}
