import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../models/agent-status.js';
import { AgentRegistry } from './agent-registry.js';

const CAPABILITIES = ['a', 'b', 'c', 'd'] as const;
const AGENT_IDS = Array.from({ length: 24 }, (_, index) => `agent-${String(index)}`);

interface ModelAgent {
  id: string;
  capabilities: Set<string>;
  priority: number;
  capacity: number;
  status: AgentStatus;
  load: number;
  sequence: number;
}

type Operation =
  | { kind: 'register'; id: string; capabilities: string[]; priority: number; capacity: number | undefined }
  | { kind: 'unregister'; id: string }
  | { kind: 'status'; id: string; status: AgentStatus }
  | { kind: 'load'; id: string; load: number }
  | { kind: 'query'; capabilities: string[] };

const idArbitrary = fc.constantFrom(...AGENT_IDS);
const capabilitiesArbitrary = fc.subarray([...CAPABILITIES]);
const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('register' as const),
      id: idArbitrary,
      capabilities: capabilitiesArbitrary,
      priority: fc.integer({ min: 0, max: 3 }),
      capacity: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unregister' as const), id: idArbitrary }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      id: idArbitrary,
      status: fc.constantFrom<AgentStatus>('online', 'offline', 'draining'),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('load' as const), id: idArbitrary, load: fc.integer({ min: 0, max: 4 }) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('query' as const), capabilities: capabilitiesArbitrary }) },
);

const ratio = (agent: ModelAgent): number => agent.load / agent.capacity;

/** The documented semantics, computed the slow way: scan everything, sort. */
function naive(model: Map<string, ModelAgent>, required: string[]) {
  const available = [...model.values()].filter(
    (agent) =>
      required.every((capability) => agent.capabilities.has(capability)) &&
      agent.status === 'online' &&
      agent.load < agent.capacity,
  );
  const byRegistration = [...available].sort((a, b) => a.sequence - b.sequence);
  const byLoadRatio = [...available].sort(
    (a, b) => ratio(a) - ratio(b) || a.load - b.load || b.priority - a.priority || a.sequence - b.sequence,
  );
  const byPriority = [...available].sort(
    (a, b) => b.priority - a.priority || ratio(a) - ratio(b) || a.load - b.load || a.sequence - b.sequence,
  );
  return {
    ids: available.map((agent) => agent.id).sort(),
    first: byRegistration[0]?.id,
    minByLoadRatio: byLoadRatio[0]?.id,
    maxByPriority: byPriority[0]?.id,
  };
}

function replay(operations: Operation[], maxCandidatePools: number): void {
  const registry = new AgentRegistry({ maxCandidatePools });
  const model = new Map<string, ModelAgent>();
  let nextSequence = 1;
  for (const operation of operations) {
    const existing = 'id' in operation ? model.get(operation.id) : undefined;
    switch (operation.kind) {
      case 'register': {
        registry.register(
          {
            agentId: operation.id,
            capabilities: operation.capabilities,
            priority: operation.priority,
            capacity: operation.capacity,
          },
          0,
        );
        model.set(operation.id, {
          id: operation.id,
          capabilities: new Set(operation.capabilities),
          priority: operation.priority,
          capacity: operation.capacity ?? Infinity,
          status: 'online',
          load: existing?.load ?? 0,
          sequence: existing?.sequence ?? nextSequence++,
        });
        break;
      }
      case 'unregister':
        if (existing === undefined) {
          expect(() => registry.unregister(operation.id)).toThrow(/not registered/);
        } else {
          registry.unregister(operation.id);
          model.delete(operation.id);
        }
        break;
      case 'status':
        if (existing !== undefined) {
          registry.setStatus(registry.require(operation.id), operation.status);
          existing.status = operation.status;
        }
        break;
      case 'load':
        if (existing !== undefined) {
          registry.setLoad(registry.require(operation.id), operation.load);
          existing.load = operation.load;
        }
        break;
      case 'query': {
        const pool = registry.candidates(operation.capabilities);
        const expected = naive(model, operation.capabilities);
        expect([...pool].map((agent) => agent.id).sort()).toEqual(expected.ids);
        expect(pool.size).toBe(expected.ids.length);
        expect(pool.first()?.id).toBe(expected.first);
        expect(pool.minByLoadRatio()?.id).toBe(expected.minByLoadRatio);
        expect(pool.maxByPriority()?.id).toBe(expected.maxByPriority);
        // A full turn of the rotation serves every candidate exactly once.
        const turn = Array.from({ length: pool.size }, () => pool.nextInRotation()?.id);
        expect([...turn].sort()).toEqual(expected.ids);
        for (const id of expected.ids) expect(pool.get(id)?.id).toBe(id);
        expect([...pool.members()].map((agent) => agent.id).sort()).toEqual(
          [...model.values()]
            .filter((agent) => operation.capabilities.every((capability) => agent.capabilities.has(capability)))
            .map((agent) => agent.id)
            .sort(),
        );
        break;
      }
    }
  }
}

describe('AgentRegistry', () => {
  it('answers every indexed query exactly like a naive scan under thousands of random changes', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { minLength: 60, maxLength: 300, size: 'max' }), (operations) => {
        replay(operations, 4096);
      }),
      { numRuns: 200 },
    );
  });

  it('stays exact when candidate pools are evicted and rebuilt', () => {
    fc.assert(
      fc.property(fc.array(operationArbitrary, { minLength: 60, maxLength: 300, size: 'max' }), (operations) => {
        replay(operations, 2);
      }),
      { numRuns: 100 },
    );
  });

  it('changes membersVersion when capable agents join or leave, not when they fill up or go offline', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 16 });
    const pool = registry.candidates(['a']);
    const start = pool.membersVersion;
    const { agent } = registry.register({ agentId: 'x', capabilities: ['a'], priority: 0, capacity: 1 }, 0);
    expect(pool.membersVersion).toBeGreaterThan(start);
    const afterJoin = pool.membersVersion;
    registry.setLoad(agent, 1);
    registry.setStatus(agent, 'offline');
    registry.register({ agentId: 'other', capabilities: ['b'], priority: 0 }, 0);
    expect(pool.membersVersion).toBe(afterJoin);
    registry.unregister('x');
    expect(pool.membersVersion).toBeGreaterThan(afterJoin);
  });

  it('keeps load and in-flight tasks when an agent re-registers with new capabilities', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 16 });
    const { agent } = registry.register({ agentId: 'x', capabilities: ['a'], priority: 0 }, 0);
    agent.held = 1;
    registry.setLoad(agent, 1);
    const again = registry.register({ agentId: 'x', capabilities: ['b'], priority: 5 }, 1);
    expect(again.created).toBe(false);
    expect(again.agent.load).toBe(1);
    expect(again.agent.held).toBe(1);
    expect(registry.candidates(['a']).size).toBe(0);
    expect(registry.candidates(['b']).first()?.id).toBe('x');
  });

  it('explains an empty candidate set: missing capabilities, or capable agents by state', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 16 });
    registry.register({ agentId: 'off', capabilities: ['a', 'b'], priority: 0 }, 0);
    registry.register({ agentId: 'full', capabilities: ['a', 'b'], priority: 0, capacity: 1 }, 0);
    registry.register({ agentId: 'drain', capabilities: ['a', 'b'], priority: 0 }, 0);
    registry.setStatus(registry.require('off'), 'offline');
    registry.setLoad(registry.require('full'), 1);
    registry.setStatus(registry.require('drain'), 'draining');
    expect(registry.shortfall(['a', 'z'])).toMatchObject({ missingCapabilities: ['z'], capableAgents: 0 });
    expect(registry.shortfall(['a', 'b'])).toEqual({
      missingCapabilities: [],
      capableAgents: 3,
      offline: 1,
      draining: 1,
      full: 1,
    });
  });

  it('keeps a capacity exactly, whether computed, unbounded or beyond 32 bits', () => {
    const registry = new AgentRegistry({ maxCandidatePools: 16 });
    const { agent } = registry.register({ agentId: 'x', capabilities: ['a'], priority: 0, capacity: 2 ** 3 }, 0);
    expect(agent.capacity).toBe(8);
    registry.register({ agentId: 'x', capabilities: ['a'], priority: 0 }, 0);
    expect(agent.capacity).toBe(Infinity);
    expect(agent.snapshot().capacity).toBeNull();
    registry.register({ agentId: 'x', capabilities: ['a'], priority: 0, capacity: 2 ** 40 }, 0);
    expect(agent.capacity).toBe(2 ** 40);
    registry.setLoad(agent, 2 ** 40 - 1);
    expect(registry.candidates(['a']).first()?.id).toBe('x');
    registry.setLoad(agent, 2 ** 40);
    expect(registry.candidates(['a']).size).toBe(0);
  });

  it("keeps each agent's times apart, also once it has left and its slot is reused", () => {
    const registry = new AgentRegistry({ maxCandidatePools: 16 });
    const early = Date.UTC(2026, 0, 1);
    const { agent: gone } = registry.register({ agentId: 'gone', capabilities: ['a'], priority: 0 }, early);
    const { agent: stays } = registry.register({ agentId: 'stays', capabilities: ['a'], priority: 0 }, early + 1);
    gone.lastSeenAt = early + 10;
    expect(registry.unregister('gone')).toBe(gone);
    const { agent: next } = registry.register({ agentId: 'next', capabilities: ['a'], priority: 0 }, early + 20);
    stays.lastSeenAt = early + 30;
    expect([gone.registeredAt, gone.lastSeenAt]).toEqual([early, early + 10]);
    expect([stays.registeredAt, stays.lastSeenAt]).toEqual([early + 1, early + 30]);
    expect([next.registeredAt, next.lastSeenAt]).toEqual([early + 20, early + 20]);
    expect(gone.snapshot().lastSeenAt).toBe(new Date(early + 10).toISOString());
    // Many agents make the store grow: earlier times stay put.
    for (let index = 0; index < 100; index++)
      registry.register({ agentId: `more-${String(index)}`, capabilities: ['a'], priority: 0 }, early + 100 + index);
    expect(registry.require('more-7').registeredAt).toBe(early + 107);
    expect(stays.lastSeenAt).toBe(early + 30);
  });
});
