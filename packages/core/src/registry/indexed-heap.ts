/** Anything a heap can hold: it records its own position in each heap it is in. */
export interface HeapItem {
  /** Where the item sits in the heap of this slot, -1 when not in it. */
  heapPosition(slot: number): number;
  setHeapPosition(slot: number, index: number): void;
}

/** Children per node: a 4-ary heap is half as deep as a binary one, and siblings sit together. */
const ARITY = 4;

/**
 * A 4-ary min-heap whose items remember where they sit (`heapPosition(slot)`), so an item
 * whose key changed is moved, or removed, in O(log n) without any lookup table.
 */
export class IndexedHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  constructor(
    /** Whether a sorts strictly before b. A boolean, not a difference: a fractional difference returned from a call V8 does not inline is a new 16-byte HeapNumber on every comparison. */
    private readonly before: (a: T, b: T) => boolean,
    private readonly slot: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  has(item: T): boolean {
    return item.heapPosition(this.slot) >= 0;
  }

  push(item: T): void {
    if (this.has(item)) {
      this.update(item);
      return;
    }
    this.items.push(item);
    this.place(item, this.items.length - 1);
    this.siftUp(this.items.length - 1);
  }

  remove(item: T): boolean {
    const index = item.heapPosition(this.slot);
    if (index < 0) return false;
    item.setHeapPosition(this.slot, -1);
    const last = this.items.pop() as T;
    if (index < this.items.length) {
      this.place(last, index);
      this.restore(index);
    }
    return true;
  }

  /** Call after the item's key changed. */
  update(item: T): void {
    const index = item.heapPosition(this.slot);
    if (index >= 0) this.restore(index);
  }

  /** Builds the heap from scratch in O(n). */
  static from<T extends HeapItem>(items: Iterable<T>, before: (a: T, b: T) => boolean, slot: number): IndexedHeap<T> {
    const heap = new IndexedHeap(before, slot);
    for (const item of items) {
      heap.items.push(item);
      item.setHeapPosition(slot, heap.items.length - 1);
    }
    for (let index = Math.floor((heap.items.length - 2) / ARITY); index >= 0; index--) heap.siftDown(index);
    return heap;
  }

  /** Forgets every item (their positions are reset). */
  clear(): void {
    for (const item of this.items) item.setHeapPosition(this.slot, -1);
    this.items.length = 0;
  }

  private place(item: T, index: number): void {
    this.items[index] = item;
    item.setHeapPosition(this.slot, index);
  }

  private restore(index: number): void {
    if (!this.siftUp(index)) this.siftDown(index);
  }

  private siftUp(start: number): boolean {
    const items = this.items;
    const item = items[start] as T;
    let index = start;
    while (index > 0) {
      const parentIndex = Math.floor((index - 1) / ARITY);
      const parent = items[parentIndex] as T;
      if (!this.before(item, parent)) break;
      this.place(parent, index);
      index = parentIndex;
    }
    if (index === start) return false;
    this.place(item, index);
    return true;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[start] as T;
    let index = start;
    for (;;) {
      const firstChild = ARITY * index + 1;
      if (firstChild >= length) break;
      let child = firstChild;
      let childItem = items[firstChild] as T;
      const end = Math.min(firstChild + ARITY, length);
      for (let sibling = firstChild + 1; sibling < end; sibling++) {
        const candidate = items[sibling] as T;
        if (this.before(candidate, childItem)) {
          child = sibling;
          childItem = candidate;
        }
      }
      if (!this.before(childItem, item)) break;
      this.place(childItem, index);
      index = child;
    }
    if (index !== start) this.place(item, index);
  }
}
