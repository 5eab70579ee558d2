import { describe, expect, it } from 'vitest';
import { ArmTable, NONE } from './arm-table.js';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

/** Where the table says an agent's arm for a task type is, or NONE; `sequence` is any number, as a registry's would be. */
function armOf(table: ArmTable, key: string, agentId: string, sequence: number): number {
  const taskType = table.taskType(key, 0);
  const slot = table.slotOf({ id: agentId, sequence });
  return taskType === undefined || slot === NONE ? NONE : table.find(taskType, slot);
}

describe('arm table', () => {
  it('holds exactly the most recently updated maxArms (agent, task type) records through heavy churn', () => {
    const maxArms = 97;
    const table = new ArmTable({ window: 10, halfLifeMs: 1_000, maxArms, elite: 3 });
    // The reference: records in least-recently-updated order, each with its count of observations.
    const expected = new Map<string, number>();
    const random = seeded(3);
    for (let step = 0; step < 30_000; step++) {
      const key = `type-${String(Math.floor(random() * 13))}`;
      const agentId = `agent-${String(Math.floor(random() * 60))}`;
      table.observe(key, 0, { id: agentId, sequence: random() * 1e6 }, true, 10, step);
      const record = `${key}/${agentId}`;
      const seen = expected.get(record) ?? 0;
      expected.delete(record);
      expected.set(record, seen + 1);
      for (const oldest of expected.keys()) {
        if (expected.size <= maxArms) break;
        expected.delete(oldest);
      }
      expect(table.size).toBe(expected.size);
      if (step % 97 !== 0) continue;
      expect(table.taskTypeCount).toBe(new Set([...expected.keys()].map((each) => each.split('/')[0])).size);
      for (let type = 0; type < 13; type++) {
        for (let agent = 0; agent < 60; agent++) {
          const arm = armOf(table, `type-${String(type)}`, `agent-${String(agent)}`, random() * 1e6);
          const observations = expected.get(`type-${String(type)}/agent-${String(agent)}`);
          expect(arm === NONE).toBe(observations === undefined);
          // A held arm's numbers are its own: at least its latest observation's weight.
          if (observations !== undefined) expect(table.latencyWeight(arm)).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });

  it('finds an agent by its id whatever registration sequence it comes with, and only by its id', () => {
    const table = new ArmTable({ window: 10, halfLifeMs: 1_000, maxArms: 100, elite: 3 });
    table.observe('summarise', 0, { id: 'a', sequence: 1 }, true, 10, 0);
    table.observe('summarise', 0, { id: 'b', sequence: 2 }, false, 10, 0);
    const a = armOf(table, 'summarise', 'a', 1);
    const b = armOf(table, 'summarise', 'b', 2);
    expect(table.successes(a)).toBe(1);
    expect(table.failures(b)).toBe(1);
    // Re-registered (a new sequence), or another agent arriving with the sequence 'a' had: still by id.
    expect(armOf(table, 'summarise', 'a', 7)).toBe(a);
    expect(armOf(table, 'summarise', 'c', 1)).toBe(NONE);
    expect(armOf(table, 'summarise', 'b', 1)).toBe(b);
    expect(armOf(table, 'summarise', 'a', 1)).toBe(a);
  });

  it('takes in other replicas’ records faded by the time since their update, summing several about one agent, within maxArms', () => {
    const table = new ArmTable({ window: 100, halfLifeMs: 1_000, maxArms: 3, elite: 2 });
    const shared = {
      agentId: 'x',
      key: 'T',
      bucket: 0,
      successes: 8,
      failures: 4,
      latencyWeight: 12,
      latencySum: 1_200,
      latencySquares: 120_000,
    };
    // One replica updated it a half-life ago, another just now (a clock ahead of ours fades nothing).
    table.absorb({ ...shared, updatedAt: 9_000 }, 10_000);
    table.absorb({ ...shared, updatedAt: 10_500 }, 10_000);
    const arm = armOf(table, 'T', 'x', 1);
    expect(table.successes(arm)).toBeCloseTo(8 * 0.5 + 8);
    expect(table.failures(arm)).toBeCloseTo(4 * 0.5 + 4);
    expect(table.latencyWeight(arm)).toBeCloseTo(12 * 1.5);
    expect(table.size).toBe(1);
    for (const agentId of ['a', 'b', 'c', 'd']) table.absorb({ ...shared, agentId, updatedAt: 10_000 }, 10_000);
    expect(table.size).toBe(3);
    expect(armOf(table, 'T', 'x', 1)).toBe(NONE);
    // What it publishes is its newest records first.
    expect(table.newestArms(2).map((record) => record.agentId)).toEqual(['d', 'c']);
  });
});
