import type { AgentView } from '@switchyard/core';
import { defineStrategy } from '@switchyard/core';
import { z } from 'zod';

/** Lower load ratio, then lower load, then earlier registration: the same order load_balanced uses. */
function lessLoaded(a: AgentView, b: AgentView): AgentView {
  const difference = a.load / a.capacity - b.load / b.capacity || a.load - b.load || a.sequence - b.sequence;
  return difference <= 0 ? a : b;
}

/**
 * Power of two choices: draw two different candidates at random and take the less loaded. Two
 * O(1) draws per decision whatever the fleet size, and nearly as even as always taking the least
 * loaded, without every decision piling onto the same agent between load updates.
 */
export const powerOfTwoChoicesStrategy = defineStrategy({
  name: 'p2c',
  description: 'Two random candidates; the less loaded (load/capacity) wins. Constant cost at any fleet size.',
  optionsSchema: z.strictObject({}),
  create: (_options, { random }) => ({
    select(candidates) {
      const size = candidates.size;
      if (size <= 1) return candidates.at(0);
      const firstIndex = Math.floor(random() * size);
      let secondIndex = Math.floor(random() * (size - 1));
      if (secondIndex >= firstIndex) secondIndex++;
      const first = candidates.at(firstIndex);
      const second = candidates.at(secondIndex);
      if (first === undefined || second === undefined) return first ?? second;
      return lessLoaded(first, second);
    },
  }),
});
