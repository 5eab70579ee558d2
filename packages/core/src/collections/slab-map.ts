/**
 * A string-keyed map for entries that come and go at a high rate (a task per task, a waiter
 * per call). Its hash table holds slot numbers; the values live in an array whose slots are
 * reused.
 *
 * Why not a Map of the values: delete-and-insert churn makes a Map replace its hash table every
 * few dozen operations, and once a long-lived Map's table is in the old generation its
 * replacements are old too (a profile shows them surviving young collections). Each replaced
 * table is then dead old memory still pointing at the entries it held; young collections keep
 * those alive and promote them, so short-lived records end up in the old generation (measured
 * in the memory bench: most of each task's record, 4-5 MB per young collection, and full
 * collections every few hundred milliseconds). Here a replaced table points only at numbers and
 * keys; a value's one reference is its array slot, cleared when it leaves.
 */
export class SlabMap<V> {
  private readonly slots = new Map<string, number>();
  private readonly entries: (V | undefined)[] = [];
  private readonly freeSlots: number[] = [];

  get size(): number {
    return this.slots.size;
  }

  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.entries[slot];
  }

  /** Returns the value it replaced, if any (one lookup for callers that need both). */
  set(key: string, value: V): V | undefined {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      const previous = this.entries[slot];
      this.entries[slot] = value;
      return previous;
    }
    const fresh = this.freeSlots.pop() ?? this.entries.length;
    this.entries[fresh] = value;
    this.slots.set(key, fresh);
    return undefined;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.entries[slot] = undefined;
    this.freeSlots.push(slot);
    return true;
  }

  /** Keys in insertion order, like a Map's. */
  keys(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** Values in insertion order of their keys, like a Map's. */
  *values(): IterableIterator<V> {
    for (const slot of this.slots.values()) yield this.entries[slot] as V;
  }
}
