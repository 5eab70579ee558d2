import type { PoolSlots } from './pool-slots.js';
import { NO_SLOT } from './pool-slots.js';

/**
 * A circular list of pool slots with a cursor: `next()` hands out slots in turn. A newcomer is
 * linked in just before the cursor, so it takes its turn after everyone already waiting: nobody
 * is skipped or served twice. Links live in the slots themselves, so nothing is looked up.
 */
export class RotationRing {
  private cursor = NO_SLOT;
  private count = 0;

  constructor(private readonly slots: PoolSlots) {}

  get size(): number {
    return this.count;
  }

  has(slot: number): boolean {
    return this.slots.ringNext(slot) !== NO_SLOT;
  }

  add(slot: number): void {
    const slots = this.slots;
    if (slots.ringNext(slot) !== NO_SLOT) return;
    const cursor = this.cursor;
    if (cursor === NO_SLOT) {
      slots.setRingLinks(slot, slot, slot);
      this.cursor = slot;
    } else {
      const previous = slots.ringPrevious(cursor);
      slots.setRingLinks(slot, previous, cursor);
      slots.setRingNext(previous, slot);
      slots.setRingPrevious(cursor, slot);
    }
    this.count++;
  }

  remove(slot: number): boolean {
    const slots = this.slots;
    const next = slots.ringNext(slot);
    const previous = slots.ringPrevious(slot);
    if (next === NO_SLOT || previous === NO_SLOT) return false;
    this.count--;
    if (this.count === 0) {
      this.cursor = NO_SLOT;
    } else {
      slots.setRingNext(previous, next);
      slots.setRingPrevious(next, previous);
      if (this.cursor === slot) this.cursor = next;
    }
    slots.setRingLinks(slot, NO_SLOT, NO_SLOT);
    return true;
  }

  /** The slot whose turn it is, NO_SLOT when empty; the cursor moves on. */
  next(): number {
    const cursor = this.cursor;
    if (cursor === NO_SLOT) return NO_SLOT;
    this.cursor = this.slots.ringNext(cursor);
    return cursor;
  }
}
