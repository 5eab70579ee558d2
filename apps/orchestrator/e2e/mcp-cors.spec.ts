import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken } from '@switchyard/core';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from './cli-process.js';

/** Debian's chromium; npm test provisions it (tools/workspace/provision.mjs). */
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'e2e-cors-admin';

/** A page origin: an empty page on its own loopback port. */
async function servePage(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>page</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, server };
}

interface BrowserOutcome {
  readonly ok: boolean;
  readonly status?: number;
  readonly sessionId?: string | null;
  readonly tools?: number;
  readonly error?: string;
}

describe('the MCP endpoint from a browser (CORS)', () => {
  let dir: string;
  let daemon: CliProcess;
  let browser: Browser;
  let mcpUrl: string;
  let allowed: { origin: string; server: Server };
  let refused: { origin: string; server: Server };

  beforeAll(async () => {
    allowed = await servePage();
    refused = await servePage();
    dir = await mkdtemp(join(tmpdir(), 'switchyard-cors-'));
    const config = join(dir, 'switchyard.yaml');
    await writeFile(
      config,
      [
        'auth:',
        `  tokens: [{ name: browser, sha256: "${await hashToken(TOKEN)}", permissions: [admin] }]`,
        'mcp:',
        `  http: { allowedOrigins: ["${allowed.origin}"] }`,
        'demo: { tasksPerSecond: 0 }',
        'logging: { level: warn }',
      ].join('\n'),
    );
    daemon = new CliProcess(['start', '--config', config]);
    await daemon.waitFor(/Press Ctrl-C to stop/);
    mcpUrl = /MCP \(HTTP\):\s+(\S+)/.exec(daemon.stdout)?.[1] ?? '';
    // As root (CI), Chromium's sandbox cannot start; the pages are our own, on loopback.
    browser = await chromium.launch({ executablePath: CHROMIUM, chromiumSandbox: false });
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    daemon.kill('SIGTERM');
    await daemon.exited;
    allowed.server.close();
    refused.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** In a page of `origin`: initialize with a bearer token (a preflighted request), then list tools in that session. */
  async function fromPage(origin: string): Promise<BrowserOutcome> {
    const page = await browser.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(
        async ({ url, token }): Promise<BrowserOutcome> => {
          const headers = {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          };
          try {
            const initialized = await fetch(url, {
              method: 'POST',
              headers,
              body: JSON.stringify({
                jsonrpc: '2.0',
                id: 1,
                method: 'initialize',
                params: {
                  protocolVersion: '2025-06-18',
                  capabilities: {},
                  clientInfo: { name: 'browser', version: '1' },
                },
              }),
            });
            const sessionId = initialized.headers.get('mcp-session-id');
            const listed = await fetch(url, {
              method: 'POST',
              headers: { ...headers, 'mcp-session-id': sessionId ?? '', 'mcp-protocol-version': '2025-06-18' },
              body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
            });
            const body = (await listed.json()) as { result?: { tools?: unknown[] } };
            return { ok: true, status: listed.status, sessionId, tools: body.result?.tools?.length ?? 0 };
          } catch (error) {
            return { ok: false, error: String(error) };
          }
        },
        { url: mcpUrl, token: TOKEN },
      );
    } finally {
      await page.close();
    }
  }

  it('serves a page from an allowed origin: preflight, the session id header readable, tools listed', async () => {
    const outcome = await fromPage(allowed.origin);
    expect(outcome).toMatchObject({ ok: true, status: 200, tools: 14 });
    expect(outcome.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a page from another origin: the browser gets nothing', async () => {
    const outcome = await fromPage(refused.origin);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('Failed to fetch');
  });
});
