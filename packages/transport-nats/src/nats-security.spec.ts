import { createCoreModule, OrchestrationEngine, TokenAuthenticator } from '@switchyard/core';
import type { SwitchyardError } from '@switchyard/core';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer, waitUntil } from '@switchyard/testing';
import { SwitchyardAgent } from '@switchyard/agent';
import { Container } from 'inversify';
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

async function connects(url: string, credentials: NatsTransportOptionsInput['credentials']): Promise<true | SwitchyardError> {
  const transport = new NatsTransport({ kind: 'nats', servers: [url], ...(credentials === undefined ? {} : { credentials }), reconnect: { enabled: false } });
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
    expect((wrong as SwitchyardError).message).toBe(`NATS at ${url} refused the credentials (token): check the transport.credentials section`);
    expect(await connects(url, undefined)).toMatchObject({ code: 'CONNECTION_FAILED', message: expect.stringContaining('refused the credentials (no credentials)') as unknown });
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
    expect(await connects(url, { type: 'nkey', seed: seedOf(stranger) })).toMatchObject({ message: expect.stringContaining('refused the credentials (nkey)') as unknown });
  });

  it('works end to end with per-agent subject permissions, and keeps an agent off another agent\'s subject', async () => {
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
      createNatsTransportModule({ kind: 'nats', servers: [url], inboxPrefix: '_INBOX_orchestrator', credentials: { type: 'userPassword', user: 'orchestrator', password: 'o-pass' } }),
    );
    const engine = container.get(OrchestrationEngine);
    await engine.start();
    const agentTransport = (): NatsTransport =>
      new NatsTransport({ kind: 'nats', servers: [url], inboxPrefix: '_INBOX_agent-a', credentials: { type: 'userPassword', user: 'agent-a', password: 'a-pass' } });
    const agent = new SwitchyardAgent({ agentId: 'agent-a', capabilities: ['work'] }, agentTransport(), (task) => ({ done: task.id }));
    await agent.start();
    const task = await engine.createTask({ authToken: 't', taskType: 'w', requiredCapabilities: ['work'] });
    await expect(engine.executeTask({ authToken: 't', taskId: task.id })).resolves.toMatchObject({ agentId: 'agent-a', result: { done: task.id } });

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
});
