import { describe, expect, it } from 'vitest';
import { planChaos } from './chaos-plan.js';
import { seededRandom } from './seeded-random.js';

const settings = {
  tasks: 10_000,
  agents: 5,
  orchestrators: 2,
  agentKills: 12,
  natsNodes: 3,
  natsKills: 2,
  crashBeforeSend: true,
  narrowShare: 0.04,
  hangUntilAborted: 6,
  hangForever: 3,
};

describe('planChaos', () => {
  it('plans the same run for the same seed, and another for another seed', () => {
    expect(planChaos(settings, seededRandom(7))).toEqual(planChaos(settings, seededRandom(7)));
    expect(planChaos(settings, seededRandom(7)).events).not.toEqual(planChaos(settings, seededRandom(8)).events);
  });

  it('kills one orchestrator, crashes one between write and send, kills nats nodes, and spreads the agent kills over the run in order', () => {
    const { events } = planChaos(settings, seededRandom(42));
    expect(events.filter((event) => event.kind === 'restart_orchestrator')).toHaveLength(1);
    const crashes = events.filter((event) => event.kind === 'crash_before_send');
    expect(crashes).toHaveLength(1);
    for (const crash of crashes) expect(crash.atSend).toBeGreaterThanOrEqual(3);
    const natsKills = events.filter((event) => event.kind === 'kill_nats');
    expect(natsKills).toHaveLength(2);
    for (const kill of natsKills) {
      expect(kill.atTask).toBeGreaterThanOrEqual(5_500);
      expect(kill.atTask).toBeLessThan(7_500);
      expect(kill.node).toBeLessThan(3);
    }
    expect(
      planChaos({ ...settings, crashBeforeSend: false, natsKills: 0 }, seededRandom(42)).events.map(
        (event) => event.kind,
      ),
    ).not.toContain('crash_before_send');
    const kills = events.filter((event) => event.kind === 'kill_agent');
    expect(kills).toHaveLength(12);
    expect(events.map((event) => event.atTask)).toEqual([...events.map((event) => event.atTask)].sort((a, b) => a - b));
    for (const event of events) {
      expect(event.atTask).toBeGreaterThanOrEqual(500);
      expect(event.atTask).toBeLessThan(9_000);
      expect(event.downMs).toBeGreaterThanOrEqual(300);
      expect(event.downMs).toBeLessThanOrEqual(1_500);
    }
    // One kill per slice of the run: never two in the same ~700 tasks' slice.
    for (const [index, kill] of kills.entries()) expect(Math.floor((kill.atTask - 500) / (8_500 / 12))).toBe(index);
    expect(new Set(kills.map((kill) => kill.agent)).size).toBeGreaterThan(1);
  });

  it('places the narrow tasks in adjacent pairs (one to each orchestrator) and the hung tasks in the first 80 %', () => {
    const { tasks } = planChaos(settings, seededRandom(3));
    const kinds = tasks.map((task) => task.kind);
    expect(kinds.filter((kind) => kind === 'narrow')).toHaveLength(400);
    expect(kinds.filter((kind) => kind === 'hang_until_aborted')).toHaveLength(6);
    expect(kinds.filter((kind) => kind === 'hang_forever')).toHaveLength(3);
    for (let index = 0; index < kinds.length;) {
      if (kinds[index] === 'narrow') {
        expect(kinds[index + 1]).toBe('narrow');
        index += 2;
      } else index++;
    }
    expect(kinds.slice(8_000).every((kind) => kind === 'plain')).toBe(true);
  });

  it('gives every task its own id and mixes all four priorities', () => {
    const { tasks } = planChaos(settings, seededRandom(1));
    expect(new Set(tasks.map((task) => task.id)).size).toBe(10_000);
    expect(tasks[0]?.id).toBe('task-00001');
    for (const priority of ['low', 'normal', 'high', 'critical'] as const)
      expect(tasks.filter((task) => task.priority === priority).length).toBeGreaterThan(500);
  });
});
