import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NatsServerHandle } from '@switchyard/testing';
import { startNatsServer } from '@switchyard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from './cli-process.js';
import { runToEnd, Shell } from './shell-process.js';

const workspaceRoot = join(appRoot, '..', '..');

/** Every line of README's ```sh blocks, with `\` continuations joined and trailing `# comments` cut. */
function shellLines(readme: string): string[] {
  const lines: string[] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = (block[1] ?? '').replace(/\\\n\s*/g, '');
    for (const line of joined.split('\n')) {
      const command = line.replace(/\s+#\s.*$/, '').trim();
      if (command !== '') lines.push(command);
    }
  }
  return lines;
}

/** The ```<lang> block whose first line starts with `firstLine`. */
function codeBlock(readme: string, lang: string, firstLine: string): string {
  for (const block of readme.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))) {
    if ((block[1] ?? '').startsWith(firstLine)) return block[1] ?? '';
  }
  throw new Error(`README.md has no ${lang} block starting with ${firstLine}`);
}

/** The pages whose commands this test runs: the README and the reference pages it sends readers to. */
const PAGES = ['README.md', 'docs/operations.md', 'docs/configuration.md', 'docs/install.md', 'docs/development.md'];

describe("README's commands, run the way README shows them", () => {
  let readme: string;
  let lines: string[];
  const started: Shell[] = [];
  const written: string[] = [];

  beforeAll(async () => {
    readme = await readFile(join(workspaceRoot, 'README.md'), 'utf8');
    const pages = await Promise.all(PAGES.map((page) => readFile(join(workspaceRoot, page), 'utf8')));
    lines = pages.flatMap((page) => shellLines(page));
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((shell) => shell.stop()));
    await Promise.all(written.splice(0).map((file) => rm(file, { force: true })));
  });

  it('names the CLI by its scoped package everywhere, never the unrelated `switchyard` on npm', () => {
    const npxLines = lines.filter((line) => line.startsWith('npx '));
    expect(npxLines.length).toBeGreaterThan(5);
    for (const line of npxLines) expect(line).toMatch(/^npx (@switchyard\/cli|nx) /);
  });

  it('npm start, then the operator commands of "From the command line" and the token lines, against it', async () => {
    expect(lines).toContain('npm ci && npm start');
    const daemon = new Shell('npm start', { SWITCHYARD_MCP__HTTP__PORT: '0' }, workspaceRoot);
    started.push(daemon);
    // The status line counts the example traffic: the fleet is up and tasks complete.
    await daemon.waitFor(/tasks completed [1-9]/, 480_000);
    const url = (await daemon.waitFor(/MCP \(HTTP\):\s+(\S+)/))[1] ?? '';
    const token = (await daemon.waitFor(/admin token:\s+(\S+)/))[1] ?? '';

    const exportLine = lines.find((line) => line.startsWith('export SWITCHYARD_URL='));
    expect(exportLine).toBe('export SWITCHYARD_URL=http://127.0.0.1:7300/mcp SWITCHYARD_TOKEN=<token>');
    const session = (exportLine ?? '').replace('http://127.0.0.1:7300/mcp', url).replace('<token>', token);
    const operatorLines = lines.filter((line) => /^npx @switchyard\/cli (agents|tasks|submit|drain)\b/.test(line));
    expect(operatorLines).toHaveLength(5);

    written.push(join(workspaceRoot, 'tasks.jsonl'));
    await writeFile(
      join(workspaceRoot, 'tasks.jsonl'),
      `${JSON.stringify({ type: 'summarize', capabilities: ['summarize'], data: { prompt: 'one' } })}\n${JSON.stringify({ type: 'draft', capabilities: ['write'] })}\n`,
    );
    const outputs = new Map<string, string>();
    for (const line of operatorLines)
      outputs.set(line, (await runToEnd(`${session}\n${line}`, {}, workspaceRoot)).stdout);
    const outputOf = (start: string): string => [...outputs].find(([line]) => line.startsWith(start))?.[1] ?? '';
    expect(outputOf('npx @switchyard/cli agents')).toMatch(/^writer-1\s+online\s/m);
    expect(outputOf('npx @switchyard/cli submit --type')).toMatch(/completed/);
    expect(outputOf('npx @switchyard/cli submit --file')).toMatch(/2 task\(s\) in [\d.]+ s: 2 completed, 0 failed/);
    expect(outputOf('npx @switchyard/cli drain writer-1')).toMatch(/writer-1/);

    const tokenLines = lines.filter((line) => line.startsWith('npx @switchyard/cli token create'));
    expect(tokenLines).toHaveLength(2);
    for (const line of tokenLines) expect((await runToEnd(line, {}, workspaceRoot)).stdout).toMatch(/sha256/);
  }, 600_000);

  let nats: NatsServerHandle | undefined;
  afterAll(async () => {
    await nats?.stop();
  });

  it('the NATS section: an orchestrator and an agent process running the handler module as written', async () => {
    const natsBlock = codeBlock(readme, 'sh', 'nats-server -p 4222 &');
    const [serverLine, startLine, agentLine] = shellLines(`\`\`\`sh\n${natsBlock}\`\`\``);
    expect(serverLine).toBe('nats-server -p 4222 &');
    // The test's own nats-server on a free port stands in for port 4222; the config is overridden from the environment, as README says any key can be.
    nats = await startNatsServer();
    const env = { SWITCHYARD_TRANSPORT__SERVERS: JSON.stringify([nats.url]), SWITCHYARD_MCP__HTTP__PORT: '0' };
    const handlerPath = join(workspaceRoot, 'my-handler.mjs');
    written.push(handlerPath);
    await writeFile(handlerPath, codeBlock(readme, 'js', '// my-handler.mjs'));
    expect(agentLine).toContain('--handler ./my-handler.mjs');

    const orchestrator = new Shell(startLine ?? '', env, workspaceRoot);
    started.push(orchestrator);
    const url = (await orchestrator.waitFor(/MCP \(HTTP\):\s+(\S+)/))[1] ?? '';
    const token = (await orchestrator.waitFor(/admin token:\s+(\S+)/))[1] ?? '';
    const agent = new Shell(agentLine ?? '', env, workspaceRoot);
    started.push(agent);
    // The config's example traffic (summarize, 2/s) reaches the agent process and completes.
    await orchestrator.waitFor(/agents 1\/1 online · tasks completed [1-9]/);

    const submitted = await runToEnd(
      `npx @switchyard/cli submit --type summarize --capabilities summarize --data '{"prompt":"hi"}' --json`,
      { SWITCHYARD_URL: url, SWITCHYARD_TOKEN: token },
      workspaceRoot,
    );
    expect(JSON.parse(submitted.stdout)).toMatchObject({
      status: 'completed',
      result: { handledBy: 'summarizer-1', echo: { prompt: 'hi' } },
    });
  }, 600_000);
});
