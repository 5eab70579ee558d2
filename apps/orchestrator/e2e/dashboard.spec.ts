import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot, CliProcess } from './cli-process.js';
import type { OpsDaemon } from './start-ops-daemon.js';
import { startOpsDaemon } from './start-ops-daemon.js';

const artifacts = join(appRoot, 'test-artifacts');
/** Debian's chromium; npm test provisions it (tools/workspace/provision.mjs). */
const CHROMIUM = '/usr/bin/chromium';
const ADMIN = 'e2e-dashboard-admin';
const VIEWER = 'e2e-dashboard-viewer';

describe('the live dashboard in a real browser', () => {
  let daemon: OpsDaemon;
  let browser: Browser;
  let dashboardUrl: string;
  let mcpUrl: string;

  beforeAll(async () => {
    daemon = await startOpsDaemon(ADMIN, VIEWER);
    ({ dashboardUrl, mcpUrl } = daemon);
    // As root (CI), Chromium's sandbox cannot start; the page is our own, on loopback.
    browser = await chromium.launch({ executablePath: CHROMIUM, chromiumSandbox: false });
    await mkdir(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser.close();
    await daemon.stop();
  });

  it('refuses without a token: a sign-in form and no data', async () => {
    const page = await browser.newPage();
    const response = await page.goto(dashboardUrl);
    expect(response?.status()).toBe(401);
    expect(await page.locator('form#login').isVisible()).toBe(true);
    expect(await page.locator('#agents').count()).toBe(0);
    await page.fill('#token', 'a-wrong-token');
    await Promise.all([page.waitForURL(/\/dashboard\/login$/), page.click('button[type=submit]')]);
    expect(await page.textContent('#message')).toContain('That token was refused');
    await page.close();
  });

  it('signs in with ?token=, shows the agents, and updates live when a task completes', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${dashboardUrl}?token=${VIEWER}`);
    expect(page.url()).toBe(dashboardUrl);
    await page.locator('#connection.live').waitFor();
    await page.locator('#agents tbody tr[data-agent-id="coder-2"]').waitFor();
    const rows = await page.locator('#agents tbody tr').all();
    expect(await Promise.all(rows.map((row) => row.getAttribute('data-agent-id')))).toEqual([
      'writer-1',
      'writer-2',
      'summarizer',
      'coder-1',
      'coder-2',
    ]);
    expect(await page.textContent('#agents tr[data-agent-id="summarizer"] td.load')).toContain('0/4');
    expect(await page.textContent('#agents-online')).toBe('5/5');
    const completedBefore = Number(await page.textContent('#completed-total'));

    const submit = new CliProcess(
      ['submit', '--id', 'seen-in-browser', '--type', 'summarize', '--capabilities', 'summarize', '--url', mcpUrl],
      { SWITCHYARD_TOKEN: ADMIN },
    );
    expect((await submit.exited).code).toBe(0);
    const row = page.locator('#recent tbody tr[data-task-id="seen-in-browser"]');
    await row.waitFor();
    expect(await row.locator('.status').textContent()).toBe('completed');
    expect(Number(await page.textContent('#completed-total'))).toBe(completedBefore + 1);
    expect(await page.locator('#chart-throughput path[data-series="completed"]').getAttribute('d')).toMatch(/^M/);
    await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a running task’s progress live, while `switchyard submit` prints a line per report', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${dashboardUrl}?token=${VIEWER}`);
    await page.locator('#connection.live').waitFor();
    // A demo agent asked to work in 4 steps of 1.5 s reports each (see demo-fleet.ts).
    const submit = new CliProcess(
      [
        'submit',
        '--id',
        'progress-in-browser',
        '--type',
        'summarize',
        '--capabilities',
        'summarize',
        '--data',
        '{"progressSteps":4,"stepMs":1500}',
        '--url',
        mcpUrl,
      ],
      { SWITCHYARD_TOKEN: ADMIN },
    );
    const running = page.locator('#running tbody tr[data-task-id="progress-in-browser"]');
    await running.waitFor();
    expect(await running.locator('td.progress').textContent()).toMatch(/^(25|50|75)%$/);
    expect(await running.locator('td.message').textContent()).toMatch(/^summarizer: step [123] of 4$/);
    await page.screenshot({ path: join(artifacts, 'dashboard-progress.png'), fullPage: true });
    expect((await submit.exited).code).toBe(0);
    // Finished: it leaves the running list for the recent one.
    await page.locator('#recent tbody tr[data-task-id="progress-in-browser"]').waitFor();
    await running.waitFor({ state: 'detached' });
    const lines = submit.stderr.split('\n').filter((line) => line.startsWith('task progress-in-browser: '));
    // The last report and the answer travel on different HTTP streams: the last line may miss the answer.
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.slice(0, 3)).toEqual([
      'task progress-in-browser: 25% summarizer: step 1 of 4',
      'task progress-in-browser: 50% summarizer: step 2 of 4',
      'task progress-in-browser: 75% summarizer: step 3 of 4',
    ]);
    expect(submit.stdout).toContain('task progress-in-browser completed by summarizer');
    expect(errors).toEqual([]);
    await page.close();
  });
});
