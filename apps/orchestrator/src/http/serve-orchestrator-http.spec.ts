import 'reflect-metadata';
import { hashToken, SilentLogger } from '@switchyard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load-config.js';
import type { RunningOrchestrator } from '../container/start-orchestrator.js';
import { startOrchestrator } from '../container/start-orchestrator.js';
import { parsePrometheusText, sampleSum } from '../ops/prometheus-text.test-helpers.js';
import type { ServedHttp } from './serve-orchestrator-http.js';
import { serveOrchestratorHttp } from './serve-orchestrator-http.js';

const VIEWER = 'viewer-token';
const CLIENT = 'client-token';

async function serve(
  overrides: Record<string, unknown> = {},
): Promise<{ running: RunningOrchestrator; http: ServedHttp }> {
  const { config } = await resolveConfig({
    auth: {
      tokens: [
        { name: 'viewer', sha256: await hashToken(VIEWER), permissions: ['ops:read'] },
        { name: 'client', sha256: await hashToken(CLIENT), permissions: ['tasks:create', 'tasks:distribute'] },
      ],
    },
    demo: {
      agents: [
        { id: 'writer-1', capabilities: ['write'], capacity: 4, latencyMs: 1 },
        { id: 'writer-2', capabilities: ['write'], latencyMs: 1 },
      ],
    },
    mcp: { http: { port: 0 } },
    ...overrides,
  });
  const running = await startOrchestrator(config, new SilentLogger(), process.cwd());
  const http = await serveOrchestratorHttp(running.orchestrator, config, new SilentLogger());
  if (http === undefined) throw new Error('expected the HTTP server');
  return { running, http };
}

async function runTasks(running: RunningOrchestrator, count: number): Promise<void> {
  const { engine, internalToken } = running.orchestrator;
  for (let index = 0; index < count; index++) {
    const task = await engine.createTask({
      authToken: internalToken,
      taskType: 'draft',
      requiredCapabilities: ['write'],
    });
    await engine.executeTask({ authToken: internalToken, taskId: task.id });
  }
}

function cookieOf(response: Response): string {
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe("the orchestrator's HTTP server: metrics and dashboard next to MCP", () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  async function started(
    overrides: Record<string, unknown> = {},
  ): Promise<{ running: RunningOrchestrator; http: ServedHttp }> {
    const served = await serve(overrides);
    stops.push(
      () => served.running.stop(),
      () => served.http.stop(),
    );
    return served;
  }

  it('serves /metrics as Prometheus text to a token with ops:read, and its counters move as tasks run', async () => {
    const { running, http } = await started();
    const metricsUrl = http.metricsUrl as string;
    const scrape = async () => {
      const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${VIEWER}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parsePrometheusText(await response.text());
    };
    const before = await scrape();
    expect(sampleSum(before, 'switchyard_agents', { status: 'online' })).toBe(2);
    expect(sampleSum(before, 'switchyard_agent_capacity', { agent: 'writer-1' })).toBe(4);
    expect(sampleSum(before, 'switchyard_agent_capacity', { agent: 'writer-2' })).toBe(Infinity);
    expect(sampleSum(before, 'switchyard_queue_depth')).toBe(0);
    expect(sampleSum(before, 'switchyard_tasks_total', { status: 'completed' })).toBe(0);
    expect(sampleSum(before, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    await runTasks(running, 5);
    const after = await scrape();
    expect(sampleSum(after, 'switchyard_tasks_total', { status: 'completed', strategy: 'capability_match' })).toBe(5);
    expect(sampleSum(after, 'switchyard_decision_seconds_count', { strategy: 'capability_match' })).toBe(5);
    expect(sampleSum(after, 'switchyard_task_latency_seconds_count', { status: 'completed' })).toBe(5);
    expect(sampleSum(after, 'switchyard_task_latency_seconds_bucket', { status: 'completed', le: '+Inf' })).toBe(5);
  });

  it('refuses /metrics without a token (401 with a Bearer challenge) and to a token without ops:read (403)', async () => {
    const { http } = await started();
    const anonymous = await fetch(http.metricsUrl as string);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="switchyard"');
    expect(await anonymous.text()).not.toContain('switchyard_');
    const client = await fetch(http.metricsUrl as string, { headers: { authorization: `Bearer ${CLIENT}` } });
    expect(client.status).toBe(403);
    expect(await client.text()).toMatch(/^FORBIDDEN: /);
  });

  it('serves /metrics to anyone when metrics.requireToken is false', async () => {
    const { http } = await started({ metrics: { requireToken: false } });
    const response = await fetch(http.metricsUrl as string);
    expect(response.status).toBe(200);
    expect(parsePrometheusText(await response.text()).length).toBeGreaterThan(0);
  });

  it('leaves metrics and the dashboard out when config turns them off', async () => {
    const { http } = await started({ metrics: { enabled: false }, dashboard: { enabled: false } });
    expect(http.metricsUrl).toBeUndefined();
    expect(http.dashboardUrl).toBeUndefined();
    expect((await fetch(new URL('/metrics', http.mcpUrl))).status).toBe(404);
    expect((await fetch(new URL('/dashboard', http.mcpUrl))).status).toBe(404);
  });

  it('shows the dashboard only after a sign-in with an ops:read token, which it trades for an HttpOnly session cookie', async () => {
    const { http } = await started();
    const dashboardUrl = http.dashboardUrl as string;
    const anonymous = await fetch(dashboardUrl);
    expect(anonymous.status).toBe(401);
    const form = await anonymous.text();
    expect(form).toContain('<form method="post" action="/dashboard/login"');
    expect(form).not.toContain('id="agents"');
    expect((await fetch(new URL('/dashboard/events', dashboardUrl))).status).toBe(401);

    for (const refused of ['wrong-token', CLIENT]) {
      const response = await fetch(`${dashboardUrl}?token=${refused}`, { redirect: 'manual' });
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(await response.text()).toContain('That token was refused');
    }

    const signedIn = await fetch(`${dashboardUrl}?token=${VIEWER}`, { redirect: 'manual' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/dashboard');
    expect(signedIn.headers.get('set-cookie')).toMatch(
      /^switchyard_dashboard=[\w-]{43}; Path=\/dashboard; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(signedIn.headers.get('set-cookie')).not.toContain(VIEWER);
    const cookie = cookieOf(signedIn);
    const page = await fetch(dashboardUrl, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('id="agents"');

    const posted = await fetch(new URL('/dashboard/login', dashboardUrl), {
      method: 'POST',
      body: new URLSearchParams({ token: VIEWER }),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    expect(cookieOf(posted)).not.toBe(cookie);
  });

  it('streams dashboard snapshots as server-sent events to a signed-in viewer', async () => {
    const { running, http } = await started();
    const cookie = cookieOf(await fetch(`${http.dashboardUrl as string}?token=${VIEWER}`, { redirect: 'manual' }));
    const abort = new AbortController();
    const response = await fetch(new URL('/dashboard/events', http.mcpUrl), {
      headers: { cookie },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const nextSnapshot = async (
      accept: (snapshot: { agents: { rows: { id: string }[] }; totals: Record<string, number> }) => boolean,
    ) => {
      for (;;) {
        const events = text.split('\n\n');
        text = events.pop() ?? '';
        for (const event of events) {
          const data = event.split('\n').find((line) => line.startsWith('data: '));
          if (data === undefined) continue;
          const snapshot = JSON.parse(data.slice('data: '.length)) as Parameters<typeof accept>[0];
          if (accept(snapshot)) return snapshot;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        text += value;
      }
    };
    const first = await nextSnapshot(() => true);
    expect(first.agents.rows.map((agent) => agent.id)).toEqual(['writer-1', 'writer-2']);
    await runTasks(running, 2);
    const updated = await nextSnapshot((snapshot) => snapshot.totals.completed === 2);
    expect(updated.totals).toEqual({ completed: 2 });
    abort.abort();
  });
});
