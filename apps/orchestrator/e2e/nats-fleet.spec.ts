import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken } from '@switchyard/core';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot, CliProcess } from './cli-process.js';

const handler = join(appRoot, 'e2e', 'fixtures', 'record-handler.mjs');

/** Task types handled by an agent process, from its output, optionally only after a mark. */
function handled(agent: CliProcess, from = 0): string[] {
  return [...agent.stdout.slice(from).matchAll(/^handled (\S+) /gm)].map((match) => match[1] as string);
}

function count(types: string[], type: string): number {
  return types.filter((entry) => entry === type).length;
}

describe('a fleet of agent processes over NATS', () => {
  let server: NatsServerHandle;
  let configDir: string;
  const processes: CliProcess[] = [];

  beforeAll(async () => {
    server = await startNatsServer();
    configDir = await mkdtemp(join(tmpdir(), 'switchyard-fleet-'));
  });

  afterAll(async () => {
    for (const running of processes) running.kill('SIGKILL');
    await Promise.all(processes.map((running) => running.exited));
    await server.stop();
  });

  it('routes each strategy to the right processes and routes around a killed one', async () => {
    const transport = `transport:\n  kind: nats\n  servers: ["${server.url}"]\n  subjectPrefix: fleet\n`;
    const orchestratorConfig = join(configDir, 'orchestrator.yaml');
    await writeFile(
      orchestratorConfig,
      `${transport}agents:\n  heartbeatIntervalMs: 1000\n  missedHeartbeats: 3\nlogging:\n  level: info\ndemo:\n  tasksPerSecond: 60\n  reportIntervalMs: 60000\n  taskTypes:\n` +
        `    - { type: cm-text, requiredCapabilities: [text], strategy: capability_match }\n` +
        `    - { type: rr-text, requiredCapabilities: [text], strategy: round_robin }\n` +
        `    - { type: pb-text, requiredCapabilities: [text], strategy: priority_based }\n` +
        `    - { type: lb-code, requiredCapabilities: [code], strategy: load_balanced }\n`,
    );
    const agentConfig = join(configDir, 'agent.yaml');
    await writeFile(agentConfig, `${transport}logging:\n  level: warn\nagent:\n  handler: ${handler}\n`);

    const orchestrator = new CliProcess(['start', '--config', orchestratorConfig]);
    processes.push(orchestrator);
    await orchestrator.waitFor(/Press Ctrl-C to stop/);
    expect(orchestrator.stdout).toContain(`transport:         nats ${server.url} (subjects fleet.*)`);
    expect(orchestrator.stdout).toContain(
      'agents:            no in-process demo agents; agents join over the transport',
    );

    const startAgent = async (id: string, capabilities: string, priority: number): Promise<CliProcess> => {
      const agent = new CliProcess([
        'agent',
        '--config',
        agentConfig,
        '--id',
        id,
        '--capabilities',
        capabilities,
        '--priority',
        String(priority),
      ]);
      processes.push(agent);
      await agent.waitFor(new RegExp(`agent ${id} registered: \\[${capabilities}\\] over nats`));
      return agent;
    };
    const textA = await startAgent('text-a', 'text', 1);
    const textB = await startAgent('text-b', 'text', 5);
    const coder = await startAgent('coder', 'code', 0);
    const marks = { textA: textA.stdout.length, textB: textB.stdout.length, coder: coder.stdout.length };

    await waitUntil(
      () =>
        count(handled(textA, marks.textA), 'rr-text') >= 3 &&
        count(handled(textB, marks.textB), 'rr-text') >= 3 &&
        count(handled(coder, marks.coder), 'lb-code') >= 3,
      'every strategy has routed a few tasks',
      120_000,
    );
    const a = handled(textA, marks.textA);
    const b = handled(textB, marks.textB);
    const c = handled(coder, marks.coder);
    // capability_match: the first registered capable agent; priority_based: the highest priority.
    expect(count(a, 'cm-text')).toBeGreaterThan(0);
    expect(count(b, 'cm-text')).toBe(0);
    expect(count(b, 'pb-text')).toBeGreaterThan(0);
    expect(count(a, 'pb-text')).toBe(0);
    // Capabilities decide who may get a task at all.
    expect(new Set(c)).toEqual(new Set(['lb-code']));
    expect(a.concat(b).filter((type) => type === 'lb-code')).toEqual([]);

    // The highest-priority text agent dies without a word: it must be marked offline and routed around.
    textB.kill('SIGKILL');
    // Found by its silence, or sooner by a task that finds nobody listening at its address.
    await orchestrator.waitFor(
      /(agent missed its heartbeats|agent unreachable): marked offline agentId=text-b/,
      120_000,
    );
    const afterKill = textA.stdout.length;
    await waitUntil(
      () => count(handled(textA, afterKill), 'pb-text') >= 2,
      'priority_based tasks now reach text-a',
      120_000,
    );

    // A graceful stop unregisters.
    coder.kill('SIGTERM');
    expect((await coder.exited).code).toBe(0);
    expect(coder.stdout).toContain('agent coder stopped');
    await orchestrator.waitFor(/agent unregistered agentId=coder/);

    textA.kill('SIGTERM');
    orchestrator.kill('SIGTERM');
    expect((await textA.exited).code).toBe(0);
    expect((await orchestrator.exited).code).toBe(0);
    expect(orchestrator.stdout).toContain('Switchyard stopped cleanly.');
  });

  it('with agents.requireToken lets in the demo fleet and an agent with its token, and turns away one without', async () => {
    const transport = `transport:\n  kind: nats\n  servers: ["${server.url}"]\n  subjectPrefix: guarded\n`;
    const agentToken = 'fleet-text-a-token';
    const orchestratorConfig = join(configDir, 'guarded.yaml');
    await writeFile(
      orchestratorConfig,
      `${transport}agents:\n  requireToken: true\nauth:\n  tokens:\n` +
        `    - { name: text-a, sha256: "${await hashToken(agentToken)}", permissions: [agents:register, agents:update, tasks:respond], agentId: text-a }\n` +
        `logging:\n  level: info\ndemo:\n  agents:\n    - { id: demo-1, capabilities: [text] }\n`,
    );
    const orchestrator = new CliProcess(['start', '--config', orchestratorConfig]);
    processes.push(orchestrator);
    await orchestrator.waitFor(/Press Ctrl-C to stop/);
    await orchestrator.waitFor(/agent registered agentId=demo-1/);

    const withToken = join(configDir, 'agent-with-token.yaml');
    await writeFile(
      withToken,
      `${transport}logging:\n  level: warn\nagent:\n  handler: ${handler}\n  token: ${agentToken}\n`,
    );
    const admitted = new CliProcess(['agent', '--config', withToken, '--id', 'text-a', '--capabilities', 'text']);
    processes.push(admitted);
    await admitted.waitFor(/agent text-a registered: \[text\] over nats/);

    const withoutToken = join(configDir, 'agent-without-token.yaml');
    await writeFile(withoutToken, `${transport}logging:\n  level: warn\nagent:\n  handler: ${handler}\n`);
    const refused = new CliProcess(['agent', '--config', withoutToken, '--id', 'text-b', '--capabilities', 'text']);
    const { code } = await refused.exited;
    expect(code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('UNAUTHENTICATED');

    admitted.kill('SIGTERM');
    expect((await admitted.exited).code).toBe(0);
    orchestrator.kill('SIGTERM');
    expect((await orchestrator.exited).code).toBe(0);
  });

  it('refuses to run an agent on the in-memory transport, which cannot reach another process', async () => {
    const agent = new CliProcess(['agent', '--id', 'x', '--capabilities', 'a', '--handler', handler]);
    const { code } = await agent.exited;
    expect(code).toBe(2);
    expect(agent.stderr).toContain("- transport.kind: 'memory' cannot reach an orchestrator in another process");
  });

  it('refuses a handler module that exports no function, naming the field', async () => {
    const bad = join(configDir, 'not-a-handler.mjs');
    await writeFile(bad, 'export const answer = 42;\n');
    const agent = new CliProcess(['agent', '--id', 'x', '--capabilities', 'a', '--handler', bad], {
      SWITCHYARD_TRANSPORT__KIND: 'nats',
      SWITCHYARD_TRANSPORT__SERVERS: JSON.stringify([server.url]),
    });
    const { code } = await agent.exited;
    expect(code).toBe(2);
    expect(agent.stderr).toMatch(/- handler: .*not-a-handler\.mjs must export a function/);
  });

  it('stops start-up with a clear message when NATS refuses the credentials', async () => {
    const guarded = await startNatsServer({
      config: 'authorization { users = [ { user: "orchestrator", password: "right" } ] }\n',
    });
    try {
      const orchestrator = new CliProcess(['start'], {
        SWITCHYARD_TRANSPORT: JSON.stringify({
          kind: 'nats',
          servers: [guarded.url],
          credentials: { type: 'userPassword', user: 'orchestrator', password: 'wrong' },
          reconnect: { enabled: false },
        }),
      });
      const { code } = await orchestrator.exited;
      expect(code).toBe(1);
      expect(orchestrator.stderr).toContain(
        `CONNECTION_FAILED: NATS at ${guarded.url} refused the credentials (userPassword): check the transport.credentials section`,
      );
    } finally {
      await guarded.stop();
    }
  });
});
