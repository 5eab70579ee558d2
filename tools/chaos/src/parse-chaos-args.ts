import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ChaosSettings } from './run/run-chaos.js';
import { DEFAULT_CHAOS_SETTINGS } from './run/run-chaos.js';

export const USAGE = `usage: npm run chaos -- [--tasks N] [--kills N] [--nats-kills N] [--single-node] [--seed S] [--quick] [--json] [--keep]

  --tasks N        tasks to push (default 10000; --quick: 500)
  --kills N        agent SIGKILLs spread over the run (default: one per 800 tasks, at least 1)
  --nats-kills N   nats-server SIGKILLs, each of a random node (default 2; --quick: 1)
  --single-node    one nats-server instead of a 3-node cluster with replicas 3
  --seed S         replays a run's plan: tasks, kinds, priorities, which process dies when (default: random)
  --json           print only the result as JSON on stdout (progress goes to stderr either way)
  --keep           keep the work dir (configs, every process's log, the agents' execution files)

Exit code 0 when the goals are met (no task lost, stuck, completed twice or rewritten after it
was final, every task completed, every agent death recovered from within 2 s and every
orchestrator death within ackWaitMs + 2 s), 1 when not, 2 for bad arguments.`;

function whole(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be a whole number of at least ${String(min)}, not '${raw}'`);
  return value;
}

/** The run's settings from the command line. */
export function parseChaosArgs(argv: readonly string[]): { settings: ChaosSettings; json: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tasks: { type: 'string' },
      kills: { type: 'string' },
      'nats-kills': { type: 'string' },
      'single-node': { type: 'boolean', default: false },
      seed: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const tasks = whole('tasks', values.tasks, 1) ?? (values.quick ? 500 : DEFAULT_CHAOS_SETTINGS.tasks);
  const settings: ChaosSettings = {
    ...DEFAULT_CHAOS_SETTINGS,
    tasks,
    agentKills: whole('kills', values.kills, 1) ?? Math.max(1, Math.floor(tasks / 800)),
    natsKills: whole('nats-kills', values['nats-kills'], 0) ?? (values.quick ? 1 : DEFAULT_CHAOS_SETTINGS.natsKills),
    natsNodes: values['single-node'] ? 1 : DEFAULT_CHAOS_SETTINGS.natsNodes,
    seed: whole('seed', values.seed, 0) ?? randomInt(2 ** 31),
    keepWorkDir: values.keep,
  };
  return { settings, json: values.json };
}
