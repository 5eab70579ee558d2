/**
 * A binary min-heap that knows where each item sits, so an item whose key changed can be moved
 * (or removed) in O(log n) instead of rebuilding. Items must be distinct objects.
 */
export class IndexedHeap<T extends object> {
  private readonly items: T[] = [];
  private readonly positions = new Map<T, number>();

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  has(item: T): boolean {
    return this.positions.has(item);
  }

  push(item: T): void {
    if (this.positions.has(item)) {
      this.update(item);
      return;
    }
    this.items.push(item);
    this.positions.set(item, this.items.length - 1);
    this.siftUp(this.items.length - 1);
  }

  remove(item: T): boolean {
    const index = this.positions.get(item);
    if (index === undefined) return false;
    const last = this.items.pop() as T;
    this.positions.delete(item);
    if (index < this.items.length) {
      this.items[index] = last;
      this.positions.set(last, index);
      this.restore(index);
    }
    return true;
  }

  /** Call after the item's key changed. */
  update(item: T): void {
    const index = this.positions.get(item);
    if (index !== undefined) this.restore(index);
  }

  /** Builds the heap from scratch in O(n). */
  static from<T extends object>(items: Iterable<T>, compare: (a: T, b: T) => number): IndexedHeap<T> {
    const heap = new IndexedHeap(compare);
    for (const item of items) {
      heap.positions.set(item, heap.items.length);
      heap.items.push(item);
    }
    for (let index = (heap.items.length >> 1) - 1; index >= 0; index--) heap.siftDown(index);
    return heap;
  }

  private restore(index: number): void {
    if (!this.siftUp(index)) this.siftDown(index);
  }

  private siftUp(start: number): boolean {
    const items = this.items;
    const item = items[start] as T;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (this.compare(item, parent) >= 0) break;
      items[index] = parent;
      this.positions.set(parent, index);
      index = parentIndex;
    }
    if (index === start) return false;
    items[index] = item;
    this.positions.set(item, index);
    return true;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[start] as T;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.compare(items[right] as T, items[left] as T) < 0) child = right;
      const childItem = items[child] as T;
      if (this.compare(childItem, item) >= 0) break;
      items[index] = childItem;
      this.positions.set(childItem, index);
      index = child;
    }
    if (index !== start) {
      items[index] = item;
      this.positions.set(item, index);
    }
  }
}
