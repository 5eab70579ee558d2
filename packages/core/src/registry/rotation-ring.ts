interface RingNode<T> {
  readonly item: T;
  previous: RingNode<T>;
  next: RingNode<T>;
}

/**
 * A circular list with a cursor: `next()` hands out items in turn. A newcomer joins just before
 * the cursor, i.e. at the end of the current round, so nobody is skipped or served twice.
 */
export class RotationRing<T extends object> {
  private readonly nodes = new Map<T, RingNode<T>>();
  private cursor: RingNode<T> | undefined;

  get size(): number {
    return this.nodes.size;
  }

  has(item: T): boolean {
    return this.nodes.has(item);
  }

  add(item: T): void {
    if (this.nodes.has(item)) return;
    const cursor = this.cursor;
    if (cursor === undefined) {
      const node = { item } as RingNode<T>;
      node.previous = node;
      node.next = node;
      this.cursor = node;
      this.nodes.set(item, node);
      return;
    }
    const node: RingNode<T> = { item, previous: cursor.previous, next: cursor };
    cursor.previous.next = node;
    cursor.previous = node;
    this.nodes.set(item, node);
  }

  remove(item: T): boolean {
    const node = this.nodes.get(item);
    if (node === undefined) return false;
    this.nodes.delete(item);
    if (this.nodes.size === 0) {
      this.cursor = undefined;
      return true;
    }
    node.previous.next = node.next;
    node.next.previous = node.previous;
    if (this.cursor === node) this.cursor = node.next;
    return true;
  }

  /** The item whose turn it is; the cursor moves on. */
  next(): T | undefined {
    const cursor = this.cursor;
    if (cursor === undefined) return undefined;
    this.cursor = cursor.next;
    return cursor.item;
  }
}
