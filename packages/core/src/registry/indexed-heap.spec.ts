import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentRecord } from './agent-record.js';
import { IndexedHeap } from './indexed-heap.js';
import { HEAP_BY_LOAD_RATIO, HEAP_BY_PRIORITY, HEAP_BY_REGISTRATION, NO_SLOT, PoolSlots } from './pool-slots.js';

type Step =
  { kind: 'load'; agent: number; load: number } | { kind: 'remove'; agent: number } | { kind: 'push'; agent: number };

const ratio = (agent: AgentRecord): number => agent.load / agent.capacity;
const ORDERS: Record<number, (a: AgentRecord, b: AgentRecord) => number> = {
  [HEAP_BY_REGISTRATION]: (a, b) => a.sequence - b.sequence,
  [HEAP_BY_LOAD_RATIO]: (a, b) =>
    ratio(a) - ratio(b) || a.load - b.load || b.priority - a.priority || a.sequence - b.sequence,
  [HEAP_BY_PRIORITY]: (a, b) =>
    b.priority - a.priority || ratio(a) - ratio(b) || a.load - b.load || a.sequence - b.sequence,
};

describe('IndexedHeap', () => {
  it('always has the first agent of its order on top, through changes, removals and growth', () => {
    const agentArbitrary = fc.record({
      priority: fc.integer({ min: -2, max: 2 }).map((value) => value / 2),
      capacity: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      load: fc.integer({ min: 0, max: 4 }),
    });
    const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('load' as const), agent: fc.nat(59), load: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ kind: fc.constant('remove' as const), agent: fc.nat(59) }),
      fc.record({ kind: fc.constant('push' as const), agent: fc.nat(59) }),
    );
    fc.assert(
      fc.property(
        fc.array(agentArbitrary, { minLength: 1, maxLength: 60 }),
        fc.array(stepArbitrary, { maxLength: 200 }),
        fc.constantFrom(HEAP_BY_REGISTRATION, HEAP_BY_LOAD_RATIO, HEAP_BY_PRIORITY),
        (specs, steps, heapKind) => {
          const slots = new PoolSlots(8);
          const agents = specs.map(({ priority, capacity, load }, index) => {
            const agent = new AgentRecord(
              `a${String(index)}`,
              new Set(['a']),
              priority,
              capacity,
              undefined,
              specs.length - index,
              0,
            );
            agent.load = load;
            return agent;
          });
          const slotOf = agents.map((agent) => slots.allocate(agent));
          // Start from half of them, so pushes grow the heap past its first size.
          const inHeap = new Set(agents.slice(0, Math.ceil(agents.length / 2)));
          const heap = IndexedHeap.from(
            slots,
            Int32Array.from([...inHeap], (agent) => slotOf[agents.indexOf(agent)] ?? NO_SLOT),
            inHeap.size,
            heapKind,
            inHeap.size,
          );
          const check = (): void => {
            const expected = [...inHeap].sort(ORDERS[heapKind])[0];
            expect(heap.size).toBe(inHeap.size);
            expect(heap.peek() === NO_SLOT ? undefined : slots.agent(heap.peek())).toBe(expected);
          };
          check();
          for (const step of steps) {
            const agent = agents[step.agent % agents.length] as AgentRecord;
            const slot = slotOf[agents.indexOf(agent)] as number;
            if (step.kind === 'load') {
              agent.load = step.load;
              slots.copyKeys(slot, agent);
              heap.update(slot);
            } else if (step.kind === 'remove') {
              expect(heap.remove(slot)).toBe(inHeap.delete(agent));
            } else {
              heap.push(slot);
              inHeap.add(agent);
            }
            check();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('orders keys that float32 cannot tell apart exactly', () => {
    const slots = new PoolSlots(8);
    // Above 2^24 float32 holds even integers only: these three round to two values.
    const sequences = [2 ** 25 + 3, 2 ** 25 + 1, 2 ** 25 + 2];
    const slotOf = sequences.map((sequence) =>
      slots.allocate(new AgentRecord(`s${String(sequence)}`, new Set(['a']), 0, undefined, undefined, sequence, 0)),
    );
    const heap = IndexedHeap.from(slots, Int32Array.from(slotOf), slotOf.length, HEAP_BY_REGISTRATION, slotOf.length);
    const order: number[] = [];
    while (heap.size > 0) {
      const top = heap.peek();
      order.push(slots.agent(top).sequence);
      heap.remove(top);
    }
    expect(order).toEqual([2 ** 25 + 1, 2 ** 25 + 2, 2 ** 25 + 3]);
  });
});
