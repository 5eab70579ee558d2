import type { PoolSlots } from './pool-slots.js';
import {
  HEAP_BY_LOAD_RATIO,
  HEAP_BY_PRIORITY,
  LOAD,
  LOAD_RATIO,
  NO_SLOT,
  PRIORITY_RANK,
  SEQUENCE,
  STRIDE,
} from './pool-slots.js';

/** Children per node: a 4-ary heap is half as deep as a binary one, and siblings sit together. */
const ARITY = 4;

/**
 * Each heap's order as the slot keys it compares, in turn, smaller first; the registration
 * order (SEQUENCE) breaks any tie left. Lowest load/capacity: ties to lower load, then higher
 * priority. Highest priority: ties to lower load/capacity, then lower load.
 */
function orderOf(heap: number): readonly [number, number, number] {
  if (heap === HEAP_BY_LOAD_RATIO) return [LOAD_RATIO, LOAD, PRIORITY_RANK];
  if (heap === HEAP_BY_PRIORITY) return [PRIORITY_RANK, LOAD_RATIO, LOAD];
  return [SEQUENCE, SEQUENCE, SEQUENCE];
}

/**
 * A 4-ary min-heap of pool slots. Each slot records its own position (heap number `heap`, see
 * PoolSlots.heapPosition), so a slot whose key changed is moved, or removed, in O(log n) without
 * any lookup table. The heap keeps each item's primary sort key beside it (`primary`, smaller
 * first): most comparisons then read two numbers next to each other instead of two slots far
 * apart in a large pool, and only ties look at the slots. The copy is a float32: rounding keeps
 * order (a < b whenever fround(a) < fround(b)), so equal copies just defer to the exact keys,
 * and it costs 4 bytes an item instead of 8.
 */
export class IndexedHeap {
  private items: Int32Array;
  private primary: Float32Array;
  private count = 0;
  /** Offsets of the slot keys this heap compares (see orderOf). */
  private readonly first: number;
  private readonly second: number;
  private readonly third: number;

  private constructor(
    private readonly slots: PoolSlots,
    /** One of HEAP_*: which position of a slot is this heap's, and which order it keeps. */
    private readonly heap: number,
    capacity: number,
  ) {
    this.items = new Int32Array(Math.max(capacity, 8));
    this.primary = new Float32Array(this.items.length);
    [this.first, this.second, this.third] = orderOf(heap);
  }

  get size(): number {
    return this.count;
  }

  /** The first slot, NO_SLOT when empty. */
  peek(): number {
    return this.count === 0 ? NO_SLOT : (this.items[0] as number);
  }

  has(slot: number): boolean {
    return this.slots.heapPosition(slot, this.heap) >= 0;
  }

  push(slot: number): void {
    if (this.has(slot)) {
      this.update(slot);
      return;
    }
    if (this.count === this.items.length) this.grow();
    const index = this.count++;
    this.place(slot, this.primaryKey(this.slots.keys, slot), index);
    this.siftUp(index);
  }

  remove(slot: number): boolean {
    const index = this.slots.heapPosition(slot, this.heap);
    if (index < 0) return false;
    this.slots.setHeapPosition(slot, this.heap, NO_SLOT);
    const last = --this.count;
    if (index < last) {
      this.place(this.items[last] as number, this.primary[last] as number, index);
      this.restore(index);
    }
    return true;
  }

  /** Call after the slot's keys changed. */
  update(slot: number): void {
    const index = this.slots.heapPosition(slot, this.heap);
    if (index < 0) return;
    this.primary[index] = this.primaryKey(this.slots.keys, slot);
    this.restore(index);
  }

  /** Builds the heap from scratch in O(n). */
  static from(
    slots: PoolSlots,
    members: ArrayLike<number>,
    count: number,
    heap: number,
    capacity: number,
  ): IndexedHeap {
    const result = new IndexedHeap(slots, heap, Math.max(count, capacity));
    const keys = slots.keys;
    for (let index = 0; index < count; index++) {
      const slot = members[index] as number;
      result.place(slot, result.primaryKey(keys, slot), index);
    }
    result.count = count;
    for (let index = Math.floor((count - 2) / ARITY); index >= 0; index--) result.siftDown(index);
    return result;
  }

  /** Forgets every slot (their positions are reset). */
  clear(): void {
    for (let index = 0; index < this.count; index++)
      this.slots.setHeapPosition(this.items[index] as number, this.heap, NO_SLOT);
    this.count = 0;
  }

  private grow(): void {
    const items = new Int32Array(Math.ceil(this.items.length * 1.5));
    items.set(this.items);
    this.items = items;
    const primary = new Float32Array(items.length);
    primary.set(this.primary);
    this.primary = primary;
  }

  /** The slot's first sort key under this heap's order. */
  private primaryKey(keys: Float64Array, slot: number): number {
    return keys[slot * STRIDE + this.first] as number;
  }

  /**
   * Whether slot a sorts strictly before slot b when their float32 primary keys are equal,
   * comparing the exact keys. Small, so V8 inlines it into the sift loops; a boolean, not a
   * difference: a fractional difference returned from a call that is not inlined is a new
   * 16-byte HeapNumber every time.
   */
  private tieBefore(keys: Float64Array, a: number, b: number): boolean {
    const baseA = a * STRIDE;
    const baseB = b * STRIDE;
    const firstA = keys[baseA + this.first] as number;
    const firstB = keys[baseB + this.first] as number;
    if (firstA !== firstB) return firstA < firstB;
    const secondA = keys[baseA + this.second] as number;
    const secondB = keys[baseB + this.second] as number;
    if (secondA !== secondB) return secondA < secondB;
    const thirdA = keys[baseA + this.third] as number;
    const thirdB = keys[baseB + this.third] as number;
    if (thirdA !== thirdB) return thirdA < thirdB;
    return (keys[baseA + SEQUENCE] as number) < (keys[baseB + SEQUENCE] as number);
  }

  private place(slot: number, key: number, index: number): void {
    this.items[index] = slot;
    this.primary[index] = key;
    this.slots.setHeapPosition(slot, this.heap, index);
  }

  private restore(index: number): void {
    if (!this.siftUp(index)) this.siftDown(index);
  }

  private siftUp(start: number): boolean {
    const items = this.items;
    const primary = this.primary;
    const keys = this.slots.keys;
    const slot = items[start] as number;
    const key = primary[start] as number;
    let index = start;
    while (index > 0) {
      const parentIndex = Math.floor((index - 1) / ARITY);
      const parentKey = primary[parentIndex] as number;
      if (key > parentKey) break;
      const parent = items[parentIndex] as number;
      if (key === parentKey && !this.tieBefore(keys, slot, parent)) break;
      this.place(parent, parentKey, index);
      index = parentIndex;
    }
    if (index === start) return false;
    this.place(slot, key, index);
    return true;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const primary = this.primary;
    const keys = this.slots.keys;
    const length = this.count;
    const slot = items[start] as number;
    const key = primary[start] as number;
    let index = start;
    for (;;) {
      const firstChild = ARITY * index + 1;
      if (firstChild >= length) break;
      let child = firstChild;
      let childKey = primary[firstChild] as number;
      const end = Math.min(firstChild + ARITY, length);
      for (let sibling = firstChild + 1; sibling < end; sibling++) {
        const siblingKey = primary[sibling] as number;
        if (
          siblingKey < childKey ||
          (siblingKey === childKey && this.tieBefore(keys, items[sibling] as number, items[child] as number))
        ) {
          child = sibling;
          childKey = siblingKey;
        }
      }
      const childSlot = items[child] as number;
      if (childKey > key || (childKey === key && !this.tieBefore(keys, childSlot, slot))) break;
      this.place(childSlot, childKey, index);
      index = child;
    }
    if (index !== start) this.place(slot, key, index);
  }
}
