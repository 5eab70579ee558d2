import { describe, expect, it } from 'vitest';
import { AgentRecord } from './agent-record.js';
import { HEAP_BY_PRIORITY, NO_SLOT, PoolSlots, PRIORITY_RANK, SEQUENCE, STRIDE } from './pool-slots.js';

const agent = (sequence: number, priority = 0, capacity?: number): AgentRecord =>
  new AgentRecord(`agent-${String(sequence)}`, new Set(['a']), priority, capacity, undefined, sequence, 0);

describe('PoolSlots', () => {
  it("keeps every slot's keys and positions while it grows, and reuses freed slots", () => {
    const slots = new PoolSlots(8);
    const taken = Array.from({ length: 100 }, (_, index) => slots.allocate(agent(index + 1, index % 7)));
    expect(taken).toEqual(Array.from({ length: 100 }, (_, index) => index));
    for (const slot of taken) slots.setHeapPosition(slot, HEAP_BY_PRIORITY, slot * 3);
    slots.setRingLinks(5, 4, 6);
    // More slots force the storage to grow again: nothing set before may move or change.
    for (let index = 100; index < 1000; index++) slots.allocate(agent(index + 1));
    for (const slot of taken) {
      expect(slots.agent(slot).sequence).toBe(slot + 1);
      expect(slots.keys[slot * STRIDE + SEQUENCE]).toBe(slot + 1);
      expect(slots.keys[slot * STRIDE + PRIORITY_RANK]).toBe(-(slot % 7));
      expect(slots.heapPosition(slot, HEAP_BY_PRIORITY)).toBe(slot * 3);
      expect(slots.availableIndex(slot)).toBe(NO_SLOT);
    }
    expect([slots.ringPrevious(5), slots.ringNext(5)]).toEqual([4, 6]);
    slots.release(42);
    expect(slots.size).toBe(999);
    const again = slots.allocate(agent(5000));
    expect(again).toBe(42);
    // A reused slot starts clean.
    expect(slots.heapPosition(again, HEAP_BY_PRIORITY)).toBe(NO_SLOT);
    expect(slots.agent(again).sequence).toBe(5000);
    const seen: number[] = [];
    slots.forEachAgent((_, slot) => seen.push(slot));
    expect(seen).toHaveLength(1000);
  });

  it('reads an unbounded capacity as a load ratio of 0', () => {
    const slots = new PoolSlots(8);
    const unbounded = agent(1);
    unbounded.load = 5;
    const slot = slots.allocate(unbounded);
    expect(slots.keys[slot * STRIDE + 1]).toBe(0);
  });
});
