import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import type { SwitchyardError } from '@switchyard/core';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import { SwitchyardAgent } from '@switchyard/agent';
import { Container } from 'inversify';
import { connect, Events } from 'nats';
import { createUser } from 'nkeys.js';
import type { KeyPair } from 'nkeys.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createNatsTransportModule } from './create-nats-transport-module.js';
import { NatsTransport } from './nats-transport.js';
import type { NatsTransportOptionsInput } from './nats-transport-options.js';

let server: NatsServerHandle | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function startWith(config: string): Promise<NatsServerHandle> {
  server = await startNatsServer({ config });
  return server;
}

async function connects(
  url: string,
  credentials: NatsTransportOptionsInput['credentials'],
): Promise<true | SwitchyardError> {
  const transport = new NatsTransport({
    kind: 'nats',
    servers: [url],
    ...(credentials === undefined ? {} : { credentials }),
    reconnect: { enabled: false },
  });
  try {
    await transport.start();
    await transport.stop();
    return true;
  } catch (error) {
    return error as SwitchyardError;
  }
}

describe('NATS credentials', () => {
  it('connects with the right token and fails start-up clearly with a wrong or missing one', async () => {
    const { url } = await startWith('authorization { token: "s3cret-token" }\n');
    expect(await connects(url, { type: 'token', token: 's3cret-token' })).toBe(true);
    const wrong = await connects(url, { type: 'token', token: 'guess' });
    expect(wrong).toMatchObject({ code: 'CONNECTION_FAILED' });
    expect((wrong as SwitchyardError).message).toBe(
      `NATS at ${url} refused the credentials (token): check the transport.credentials section`,
    );
    expect(await connects(url, undefined)).toMatchObject({
      code: 'CONNECTION_FAILED',
      message: expect.stringContaining('refused the credentials (no credentials)') as unknown,
    });
  });

  it('connects with the right user and password, and not with a wrong password', async () => {
    const { url } = await startWith('authorization { users = [ { user: "orchestrator", password: "pa55word" } ] }\n');
    expect(await connects(url, { type: 'userPassword', user: 'orchestrator', password: 'pa55word' })).toBe(true);
    expect(await connects(url, { type: 'userPassword', user: 'orchestrator', password: 'nope' })).toMatchObject({
      message: expect.stringContaining('refused the credentials (userPassword)') as unknown,
    });
  });

  it('connects with the NKey seed the server knows, and not with another one', async () => {
    const known = createUser();
    const stranger = createUser();
    const { url } = await startWith(`authorization { users = [ { nkey: "${known.getPublicKey()}" } ] }\n`);
    const seedOf = (pair: KeyPair): string => new TextDecoder().decode(pair.getSeed());
    expect(await connects(url, { type: 'nkey', seed: seedOf(known) })).toBe(true);
    expect(await connects(url, { type: 'nkey', seed: seedOf(stranger) })).toMatchObject({
      message: expect.stringContaining('refused the credentials (nkey)') as unknown,
    });
  });

  it("works end to end with per-agent subject permissions, and keeps an agent off another agent's subject", async () => {
    // The configuration from docs/nats-security.md.
    const { url } = await startWith(`authorization {
  users = [
    { user: orchestrator, password: o-pass,
      permissions: { publish: ["switchyard.agent.>"], subscribe: ["switchyard.orchestrator", "_INBOX_orchestrator.>"], allow_responses: true } }
    { user: agent-a, password: a-pass,
      permissions: { publish: ["switchyard.orchestrator"], subscribe: ["switchyard.agent.agent-a", "_INBOX_agent-a.>"], allow_responses: true } }
  ]
}
`);
    const container = new Container();
    const authenticator = await TokenAuthenticator.fromPlainTokens([{ token: 't', permissions: ['admin'] }]);
    container.load(
      createCoreModule({}, { authenticator }),
      createNatsTransportModule({
        kind: 'nats',
        servers: [url],
        inboxPrefix: '_INBOX_orchestrator',
        credentials: { type: 'userPassword', user: 'orchestrator', password: 'o-pass' },
      }),
    );
    const engine = container.get(OrchestrationEngine);
    await engine.start();
    const agentTransport = (): NatsTransport =>
      new NatsTransport({
        kind: 'nats',
        servers: [url],
        inboxPrefix: '_INBOX_agent-a',
        credentials: { type: 'userPassword', user: 'agent-a', password: 'a-pass' },
      });
    const agent = new SwitchyardAgent({ agentId: 'agent-a', capabilities: ['work'] }, agentTransport(), (task) => ({
      done: task.id,
    }));
    await agent.start();
    const task = await engine.createTask({ authToken: 't', taskType: 'w', requiredCapabilities: ['work'] });
    await expect(engine.executeTask({ authToken: 't', taskId: task.id })).resolves.toMatchObject({
      agentId: 'agent-a',
      result: { done: task.id },
    });

    // agent-a's credentials cannot listen where agent-b's tasks go.
    const snooper = agentTransport();
    const problems: SwitchyardError[] = [];
    snooper.onerror = (error) => problems.push(error);
    await snooper.start();
    await snooper.subscribe('agent.agent-b', () => undefined);
    await waitUntil(() => problems.length > 0, 'the permission violation is reported');
    expect(problems[0]?.message).toMatch(/Permissions Violation for Subscription to "switchyard\.agent\.agent-b"/i);
    await snooper.stop();
    await agent.stop();
    await engine.stop();
  });
  it("keeps a second agent's NATS user from impersonating the first: what NATS cannot stop, the session and an agent-bound token do", async () => {
    // The configuration from docs/nats-security.md, "Agents that cannot impersonate each other".
    const { url } = await startWith(`authorization {
  users = [
    { user: orchestrator, password: o-pass,
      permissions: { publish: ["switchyard.agent.>"], subscribe: ["switchyard.orchestrator", "_INBOX_orchestrator.>"], allow_responses: true } }
    { user: agent-a, password: a-pass,
      permissions: { publish: ["switchyard.orchestrator"], subscribe: ["switchyard.agent.agent-a", "_INBOX_agent-a.>"], allow_responses: true } }
    { user: agent-b, password: b-pass,
      permissions: { publish: ["switchyard.orchestrator"], subscribe: ["switchyard.agent.agent-b", "_INBOX_agent-b.>"], allow_responses: true } }
  ]
}
`);
    const container = new Container();
    const authenticator = await TokenAuthenticator.fromPlainTokens([
      { token: 't', permissions: ['admin'] },
      {
        token: 'token-a',
        name: 'agent-a',
        permissions: ['agents:register', 'agents:update', 'tasks:respond'],
        agentId: 'agent-a',
      },
      {
        token: 'token-b',
        name: 'agent-b',
        permissions: ['agents:register', 'agents:update', 'tasks:respond'],
        agentId: 'agent-b',
      },
    ]);
    container.load(
      createCoreModule({ agents: { requireToken: true } }, { authenticator }),
      createNatsTransportModule({
        kind: 'nats',
        servers: [url],
        inboxPrefix: '_INBOX_orchestrator',
        credentials: { type: 'userPassword', user: 'orchestrator', password: 'o-pass' },
      }),
    );
    const engine = container.get(OrchestrationEngine);
    await engine.start();
    let release: ((value: string) => void) | undefined;
    const agentA = new SwitchyardAgent(
      { agentId: 'agent-a', capabilities: ['work'], authToken: 'token-a' },
      new NatsTransport({
        kind: 'nats',
        servers: [url],
        inboxPrefix: '_INBOX_agent-a',
        credentials: { type: 'userPassword', user: 'agent-a', password: 'a-pass' },
      }),
      () => new Promise<string>((resolve) => (release = resolve)),
    );
    await agentA.start();
    const task = await engine.createTask({
      authToken: 't',
      taskId: 'secret-work',
      taskType: 'w',
      requiredCapabilities: ['work'],
    });
    const execution = engine.executeTask({ authToken: 't', taskId: task.id });
    await waitUntil(() => release !== undefined, 'agent-a holds the task');

    // agent-b, with its own NATS user and token, tries everything.
    const intruder = await connect({ servers: url, user: 'agent-b', pass: 'b-pass', inboxPrefix: '_INBOX_agent-b' });
    const violations: string[] = [];
    void (async () => {
      for await (const status of intruder.status()) {
        const context = (status as { permissionContext?: { operation: string; subject: string } }).permissionContext;
        if (status.type === Events.Error && context !== undefined)
          violations.push(
            `${typeof status.data === 'string' ? status.data : ''} ${context.operation} ${context.subject}`,
          );
      }
    })();
    const send = (subject: string, kind: string, payload: Record<string, unknown>): void => {
      intruder.publish(
        subject,
        new TextEncoder().encode(
          JSON.stringify({
            id: `x-${kind}-${String(Date.now())}`,
            kind,
            from: 'agent.agent-a',
            to: 'orchestrator',
            priority: 'normal',
            sentAt: Date.now(),
            payload,
          }),
        ),
      );
    };
    // NATS itself: no publishing to agent-a's subject (a forged task or ack), no listening there (its tasks, its session).
    send('switchyard.agent.agent-a', 'ack', { ok: true });
    intruder.subscribe('switchyard.agent.agent-a');
    await waitUntil(() => violations.length >= 2, 'nats-server refuses both', 10_000);
    expect(violations.sort()).toEqual([
      'PERMISSIONS_VIOLATION publish switchyard.agent.agent-a',
      'PERMISSIONS_VIOLATION subscription switchyard.agent.agent-a',
    ]);
    // What NATS allows (publishing to the orchestrator, claiming agent-a in `from`), the orchestrator refuses.
    send('switchyard.orchestrator', 'task_response', {
      taskId: 'secret-work',
      attempt: 1,
      fence: 'a-guessed-fence',
      agentId: 'agent-a',
      status: 'completed',
      result: 'forged',
    });
    send('switchyard.orchestrator', 'agent_unregister', { agentId: 'agent-a' });
    send('switchyard.orchestrator', 'agent_register', {
      agentId: 'agent-a',
      capabilities: ['work'],
      authToken: 'token-b',
    });
    send('switchyard.orchestrator', 'agent_register', { agentId: 'agent-a', capabilities: ['work'] });
    await intruder.flush();
    const refused = (kind: string, code: string) =>
      engine.refusedAgentEnvelopes().find((each) => each.kind === kind && each.code === code)?.count ?? 0;
    await waitUntil(
      () =>
        refused('task_response', 'SESSION_INVALID') === 1 &&
        refused('agent_unregister', 'SESSION_INVALID') === 1 &&
        refused('agent_register', 'NOT_ASSIGNED_AGENT') === 1 &&
        refused('agent_register', 'UNAUTHENTICATED') === 1,
      'each impersonation is refused',
      10_000,
    );
    release?.('genuine');
    await expect(execution).resolves.toMatchObject({ agentId: 'agent-a', result: 'genuine' });
    await agentA.stop();
    // Even with agent-a gone, agent-b's token cannot take its id.
    send('switchyard.orchestrator', 'agent_register', {
      agentId: 'agent-a',
      capabilities: ['work'],
      authToken: 'token-b',
    });
    await intruder.flush();
    await waitUntil(
      () => refused('agent_register', 'NOT_ASSIGNED_AGENT') === 2,
      'the late hijack is refused too',
      10_000,
    );
    expect(await engine.listAgents({ authToken: 't' })).toEqual([]);
    await intruder.close();
    await engine.stop();
  });
});
