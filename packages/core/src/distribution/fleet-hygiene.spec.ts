import { describe, expect, it } from 'vitest';
import { AuthorizationError } from '../errors/authorization-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { LogFields, Logger } from '../ports/logger.js';
import { SummarizingLogger } from '../ports/summarizing-logger.js';
import { AgentBreaker } from '../registry/agent-breaker.js';
import { TRANSPORT_OWNER } from '../registry/agent-claims.js';
import { AgentRecord } from '../registry/agent-record.js';
import { LoopLag } from '../timers/loop-lag.js';
import { createTestCore } from '../testing/create-test-core.test-helpers.js';
import { CoreOptionsSchema } from '../engine/core-options.js';

class LinesLogger implements Logger {
  readonly lines: { level: string; message: string; fields: LogFields }[] = [];
  debug(): void {}
  info(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

const claim = (owner: string, session?: string) => ({ owner, ...(session === undefined ? {} : { session }) });

describe('one live registration per agent id', () => {
  it('lets only the same credential take a held id, and only once the holder is gone or it is the same run', async () => {
    let now = 1_000;
    const core = await createTestCore({}, { clock: { now: () => now } });
    const { distributor } = core;
    distributor.registerAgent(
      { agentId: 'a', capabilities: ['work'], instanceId: 'run-1' },
      true,
      claim('alice', 'session-of-run-1x'),
    );
    const before = distributor.listAgents();
    const refused = (run: () => unknown) => {
      const error = (() => {
        try {
          run();
          return undefined;
        } catch (caught) {
          return caught;
        }
      })();
      expect(distributor.listAgents()).toEqual(before);
      return error;
    };
    expect(
      refused(() =>
        distributor.registerAgent(
          { agentId: 'a', capabilities: ['evil'], instanceId: 'run-1' },
          true,
          claim('mallory', 'session-of-mallory'),
        ),
      ),
    ).toMatchObject({ code: 'AGENT_ID_IN_USE' });
    const live = refused(() =>
      distributor.registerAgent(
        { agentId: 'a', capabilities: ['work'], instanceId: 'run-2' },
        true,
        claim('alice', 'session-of-run-2x'),
      ),
    );
    expect(live).toBeInstanceOf(AuthorizationError);
    expect(live).toMatchObject({ code: 'AGENT_ID_IN_USE', details: { agentId: 'a', retryAfterMs: 3_000 } });
    // The same run registering again keeps the id (and may change its session).
    distributor.registerAgent(
      { agentId: 'a', capabilities: ['work'], instanceId: 'run-1' },
      true,
      claim('alice', 'session-of-run-1y'),
    );
    expect(distributor.sessionOf('a')).toBe('session-of-run-1y');
    // Once run-1 has missed its heartbeats, run-2 of the same credential takes over.
    now += 5_000;
    distributor.expireSilentAgents(now - 3_000);
    distributor.registerAgent(
      { agentId: 'a', capabilities: ['work'], instanceId: 'run-2' },
      true,
      claim('alice', 'session-of-run-2x'),
    );
    expect(distributor.sessionOf('a')).toBe('session-of-run-2x');
    expect(distributor.getAgent('a').status).toBe('online');
  });

  it('limits agents per principal, capabilities per agent and metadata bytes, naming the field and keeping nothing', async () => {
    const core = await createTestCore({
      agents: { maxAgentsPerPrincipal: 2, maxCapabilitiesPerAgent: 3, maxMetadataBytes: 100 },
    });
    const { distributor } = core;
    distributor.registerAgent(
      { agentId: 'p1', capabilities: ['work'] },
      true,
      claim(TRANSPORT_OWNER, 'session-of-p1-xxxx'),
    );
    distributor.registerAgent(
      { agentId: 'p2', capabilities: ['work'] },
      true,
      claim(TRANSPORT_OWNER, 'session-of-p2-xxxx'),
    );
    expect(() =>
      distributor.registerAgent(
        { agentId: 'p3', capabilities: ['work'] },
        true,
        claim(TRANSPORT_OWNER, 'session-of-p3-xxxx'),
      ),
    ).toThrow(
      expect.objectContaining({ code: 'AGENT_LIMIT', details: { principal: TRANSPORT_OWNER, limit: 2 } }) as Error,
    );
    // Another principal has its own quota; leaving frees a place.
    distributor.registerAgent({ agentId: 'q1', capabilities: ['work'] }, false, claim('bob'));
    distributor.unregisterAgent('p1');
    distributor.registerAgent(
      { agentId: 'p3', capabilities: ['work'] },
      true,
      claim(TRANSPORT_OWNER, 'session-of-p3-xxxx'),
    );

    const fieldOf = (run: () => unknown): string[] => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).issues.map((issue) => issue.field);
      }
      throw new Error('not refused');
    };
    expect(
      fieldOf(() =>
        distributor.registerAgent({ agentId: 'wide', capabilities: ['a', 'b', 'c', 'd'] }, false, claim('bob')),
      ),
    ).toEqual(['capabilities']);
    expect(
      fieldOf(() =>
        distributor.registerAgent(
          { agentId: 'fat', capabilities: ['a'], metadata: { text: 'é'.repeat(60) } },
          false,
          claim('bob'),
        ),
      ),
    ).toEqual(['metadata']);
    expect(
      distributor
        .listAgents()
        .map((agent) => agent.id)
        .sort(),
    ).toEqual(['p2', 'p3', 'q1']);
  });

  it('refuses a bad limit in config, naming the field', () => {
    const parsed = CoreOptionsSchema.safeParse({
      agents: { quarantineInitialMs: 5_000, quarantineMaxMs: 1_000, maxMetadataBytes: -1 },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'agents.maxMetadataBytes',
      'agents.quarantineMaxMs',
    ]);
  });
});

describe('fleet upkeep', () => {
  it('forgets agents offline and unheard of for longer than forgetAfterMs, and only those', async () => {
    let now = 0;
    const core = await createTestCore({ agents: { forgetAfterMs: 60_000 } }, { clock: { now: () => now } });
    const { distributor } = core;
    distributor.registerAgent(
      { agentId: 'gone', capabilities: ['work'] },
      true,
      claim(TRANSPORT_OWNER, 'session-of-gone-xx'),
    );
    distributor.registerAgent(
      { agentId: 'alive', capabilities: ['work'] },
      true,
      claim(TRANSPORT_OWNER, 'session-of-alive-x'),
    );
    const heartbeat = (agentId: string, at: number) => {
      now = at;
      distributor.updateAgentStatus({ agentId, status: 'online' }, true);
    };
    heartbeat('gone', 5_000);
    heartbeat('alive', 9_000);
    now = 10_000;
    expect(distributor.expireSilentAgents(now - 3_000)).toEqual(['gone']);
    heartbeat('alive', 64_000);
    expect(distributor.maintainFleet(now)).toEqual([]);
    now = 65_001;
    expect(distributor.maintainFleet(now)).toEqual(['gone']);
    expect(distributor.listAgents().map((agent) => agent.id)).toEqual(['alive']);
    // A later heartbeat of the forgotten agent is told to register again.
    expect(() => distributor.updateAgentStatus({ agentId: 'gone', status: 'online' }, true)).toThrow(
      expect.objectContaining({ code: 'AGENT_NOT_FOUND' }) as Error,
    );
  });

  it('quarantines an agent whose tasks time out in a row, keeps it out despite its heartbeats and a new registration, then lets it back one task at a time', async () => {
    let now = 0;
    const logger = new LinesLogger();
    const core = await createTestCore(
      {
        tasks: { attemptTimeoutMs: 20, retry: { maxAttempts: 5, initialDelayMs: 0, maxDelayMs: 0 } },
        agents: { quarantineAfterFailures: 2, quarantineInitialMs: 1_000 },
      },
      { clock: { now: () => now }, logger },
    );
    const { distributor } = core;
    distributor.registerAgent(
      { agentId: 'hole', capabilities: ['work'], capacity: 5, instanceId: 'h' },
      true,
      claim(TRANSPORT_OWNER, 'session-of-hole-xx'),
    );
    for (const taskId of ['t1', 't2'])
      await distributor.distributeTask({
        taskId,
        taskType: 't',
        requiredCapabilities: ['work'],
        taskData: null,
        senderId: 's',
      });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(distributor.getAgent('hole').status).toBe('draining');
    expect(logger.lines.some((line) => line.message.startsWith('agent quarantined'))).toBe(true);
    distributor.updateAgentStatus({ agentId: 'hole', status: 'online' }, true);
    distributor.registerAgent(
      { agentId: 'hole', capabilities: ['work'], capacity: 5, instanceId: 'h' },
      true,
      claim(TRANSPORT_OWNER, 'session-of-hole-xx'),
    );
    expect(distributor.getAgent('hole').status).toBe('draining');
    now = 1_000;
    distributor.maintainFleet(now);
    expect(distributor.getAgent('hole')).toMatchObject({ status: 'online', capacity: 1 });
    // A task heavier than the probation's one slot waits for the capacity the agent declared, not refused as too heavy.
    const heavy = await distributor.distributeTask({
      taskId: 'heavy',
      taskType: 't',
      requiredCapabilities: ['work'],
      taskData: null,
      senderId: 's',
      weight: 3,
    });
    expect(heavy.status).toBe('queued');
    // On probation an answer closes the breaker and gives the declared capacity back.
    const [probe] = distributor.listTasks().filter((task) => task.status === 'assigned');
    expect(probe).toBeDefined();
    distributor.handleTaskResponse({ taskId: probe?.id ?? '', agentId: 'hole', status: 'completed', result: 1 });
    expect(distributor.getAgent('hole')).toMatchObject({ status: 'online', capacity: 5 });
    expect(distributor.getTask('heavy')).toMatchObject({ status: 'assigned', assignedAgentId: 'hole' });
  });
});

describe('SummarizingLogger', () => {
  it('writes one line per sender and code per interval for the first senders, then one summary of the rest', () => {
    let now = 0;
    const inner = new LinesLogger();
    const logger = new SummarizingLogger(inner, { now: () => now }, { intervalMs: 1_000, sendersPerInterval: 3 });
    for (let n = 0; n < 1_000; n++)
      logger.warn('rejected an envelope', { from: `agent.x${String(n % 50)}`, code: 'SESSION_INVALID' });
    logger.info('passes through');
    expect(inner.lines.map((line) => line.message)).toEqual([
      ...Array<string>(3).fill('rejected an envelope'),
      'passes through',
    ]);
    now = 1_000;
    logger.warn('rejected an envelope', { from: 'agent.late', code: 'SESSION_INVALID' });
    const summary = inner.lines.find((line) => line.message === 'rejected an envelope (repeats held back)');
    // 50 senders, 20 lines each: 3 written; of the 997 held back, the first 20 senders beyond them by name (20 × 20), the rest counted.
    expect(summary?.fields).toMatchObject({ suppressed: 997, intervalMs: 1_000, fromOtherSenders: 597 });
    expect(Object.keys(summary?.fields.bySender as object)).toHaveLength(20);
    expect(inner.lines.at(-1)).toMatchObject({ message: 'rejected an envelope', fields: { from: 'agent.late' } });
  });
});

describe('LoopLag', () => {
  it('measures how late each tick fired and remembers the largest of the last few', () => {
    const lag = new LoopLag(100, 3, 0);
    expect(lag.tick(100)).toBe(0);
    expect(lag.tick(1_700)).toBe(1_500);
    expect(lag.tick(1_800)).toBe(0);
    expect(lag.recentMaxMs).toBe(1_500);
    lag.tick(1_900);
    lag.tick(2_000);
    expect(lag.recentMaxMs).toBe(0);
  });
});

describe('AgentBreaker', () => {
  it('doubles each further quarantine up to the maximum, and an answer outside quarantine closes it', () => {
    const breaker = new AgentBreaker({ afterFailures: 2, initialMs: 1_000, maxMs: 3_000 });
    const agent = new AgentRecord('a', new Set(['work']), 0, 4, undefined, 1, 0);
    expect(breaker.strike(agent, 0)).toBeUndefined();
    expect(breaker.strike(agent, 0)).toBe(1_000);
    expect(breaker.strike(agent, 500)).toBeUndefined();
    expect(breaker.endQuarantines(999)).toEqual([]);
    expect(breaker.endQuarantines(1_000)).toEqual([agent]);
    // On probation one failure is enough.
    expect(breaker.strike(agent, 1_100)).toBe(2_000);
    breaker.endQuarantines(3_100);
    expect(breaker.strike(agent, 3_200)).toBe(3_000);
    expect(breaker.close(agent, 4_000)).toBeUndefined();
    expect(breaker.isQuarantined(agent, 4_000)).toBe(true);
    breaker.endQuarantines(6_200);
    expect(breaker.close(agent, 6_300)).toBe(4);
    expect(breaker.size).toBe(0);
  });
});
