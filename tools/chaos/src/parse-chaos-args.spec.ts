import { describe, expect, it } from 'vitest';
import { parseChaosArgs } from './parse-chaos-args.js';

describe('parseChaosArgs', () => {
  it('defaults to the full run: 10,000 tasks, an agent kill per 800, a random seed', () => {
    const { settings, json } = parseChaosArgs([]);
    expect(settings).toMatchObject({
      tasks: 10_000,
      agentKills: 12,
      orchestrators: 2,
      agents: 5,
      natsNodes: 3,
      natsKills: 2,
      crashBeforeSend: true,
      keepWorkDir: false,
    });
    expect(Number.isInteger(settings.seed)).toBe(true);
    expect(json).toBe(false);
  });

  it('takes the task count, kills, seed and output choices', () => {
    expect(parseChaosArgs(['--tasks', '2000', '--seed', '9', '--json', '--keep'])).toMatchObject({
      settings: { tasks: 2_000, agentKills: 2, seed: 9, keepWorkDir: true },
      json: true,
    });
    expect(parseChaosArgs(['--quick']).settings).toMatchObject({ tasks: 500, agentKills: 1 });
    expect(parseChaosArgs(['--tasks', '100', '--kills', '3']).settings.agentKills).toBe(3);
    expect(parseChaosArgs(['--quick']).settings.natsKills).toBe(1);
    expect(parseChaosArgs(['--single-node', '--nats-kills', '0']).settings).toMatchObject({
      natsNodes: 1,
      natsKills: 0,
    });
    expect(() => parseChaosArgs(['--nats-kills', 'two'])).toThrow(
      "--nats-kills must be a whole number of at least 0, not 'two'",
    );
  });

  it('refuses what is not a whole number, and unknown options', () => {
    expect(() => parseChaosArgs(['--tasks', 'many'])).toThrow(
      "--tasks must be a whole number of at least 1, not 'many'",
    );
    expect(() => parseChaosArgs(['--tasks', '0'])).toThrow('--tasks must be a whole number');
    expect(() => parseChaosArgs(['--fast'])).toThrow(/Unknown option '--fast'/);
  });
});
