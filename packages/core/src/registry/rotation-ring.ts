/** Anything a ring can hold: it carries its own links. */
export interface RingItem<T> {
  ringPrevious: T | null;
  ringNext: T | null;
}

/**
 * A circular list with a cursor: `next()` hands out items in turn. A newcomer is linked in just
 * before the cursor, so it takes its turn after everyone already waiting: nobody is skipped or
 * served twice. Links live on the items themselves, so nothing is looked up.
 */
export class RotationRing<T extends RingItem<T>> {
  private cursor: T | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(item: T): boolean {
    return item.ringNext !== null;
  }

  add(item: T): void {
    if (item.ringNext !== null) return;
    const cursor = this.cursor;
    if (cursor === null) {
      item.ringPrevious = item;
      item.ringNext = item;
      this.cursor = item;
    } else {
      const previous = cursor.ringPrevious as T;
      item.ringPrevious = previous;
      item.ringNext = cursor;
      previous.ringNext = item;
      cursor.ringPrevious = item;
    }
    this.count++;
  }

  remove(item: T): boolean {
    const next = item.ringNext;
    const previous = item.ringPrevious;
    if (next === null || previous === null) return false;
    this.count--;
    if (this.count === 0) {
      this.cursor = null;
    } else {
      previous.ringNext = next;
      next.ringPrevious = previous;
      if (this.cursor === item) this.cursor = next;
    }
    item.ringNext = null;
    item.ringPrevious = null;
    return true;
  }

  /** The item whose turn it is; the cursor moves on. */
  next(): T | undefined {
    const cursor = this.cursor;
    if (cursor === null) return undefined;
    this.cursor = cursor.ringNext;
    return cursor;
  }
}
