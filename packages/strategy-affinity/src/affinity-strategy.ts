import type { AgentView, CandidateView, Task } from '@switchyard/core';
import { defineStrategy } from '@switchyard/core';
import { z } from 'zod';

/** FNV-1a, 32 bits: fast, and spreads short strings well enough for a hash ring. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  // A final avalanche, so neighbouring inputs land far apart.
  value ^= value >>> 16;
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  return value >>> 0;
}

interface Ring {
  readonly version: number;
  /** Sorted points on the ring and the agent each belongs to. */
  readonly points: Uint32Array;
  readonly owners: string[];
}

function buildRing(candidates: CandidateView, virtualNodes: number): Ring {
  const nodes: [number, string][] = [];
  for (const agent of candidates.members()) {
    for (let replica = 0; replica < virtualNodes; replica++)
      nodes.push([hash(`${agent.id}#${String(replica)}`), agent.id]);
  }
  nodes.sort((a, b) => a[0] - b[0]);
  return {
    version: candidates.membersVersion,
    points: Uint32Array.from(nodes, (node) => node[0]),
    owners: nodes.map((node) => node[1]),
  };
}

/** The task's affinity key: the value at `keyPath` in its data (dotted), else its sender. */
function keyOf(task: Task, keyPath: string): string {
  let value: unknown = task.data;
  for (const segment of keyPath.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : task.senderId;
}

/**
 * Consistent hashing with bounded load: tasks with the same key go to the same agent while it is
 * available, and to the next agent on the ring while it is full, offline or gone. An agent joining
 * takes over only about 1/n of the keys. The ring is rebuilt only when capable agents join or
 * leave; a decision is a binary search plus a short walk.
 */
export const affinityStrategy = defineStrategy({
  name: 'affinity',
  description:
    'Consistent hashing on a task key (taskData.<keyPath>, else the sender): related tasks stick to one agent until it is full or gone.',
  optionsSchema: z.strictObject({
    /** Dotted path of the key in the task data. */
    keyPath: z.string().min(1).default('key'),
    /** Points per agent on the ring: more spread keys more evenly. */
    virtualNodes: z.number().int().positive().max(1_000).default(100),
  }),
  create: ({ keyPath, virtualNodes }) => {
    // Per candidate pool; weak, so a pool the registry drops takes its ring with it.
    const rings = new WeakMap<CandidateView, Ring>();
    return {
      select(candidates, task) {
        if (candidates.size === 0) return undefined;
        let ring = rings.get(candidates);
        if (ring?.version !== candidates.membersVersion) {
          ring = buildRing(candidates, virtualNodes);
          rings.set(candidates, ring);
        }
        const { points, owners } = ring;
        const target = hash(keyOf(task, keyPath));
        let low = 0;
        let high = points.length;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if ((points[middle] as number) < target) low = middle + 1;
          else high = middle;
        }
        for (let step = 0; step < points.length; step++) {
          const agent: AgentView | undefined = candidates.get(owners[(low + step) % points.length] as string);
          if (agent !== undefined) return agent;
        }
        return undefined;
      },
    };
  },
});
