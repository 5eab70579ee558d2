import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const readme = join(here, '..', '..', '..', 'README.md');

/** The code block right after the quickstart marker in README.md. */
async function quickstartSource(): Promise<string> {
  return blockAfter('quickstart');
}

/** The code block right after `<!-- marker: ... -->` in README.md. */
async function blockAfter(marker: string): Promise<string> {
  const text = await readFile(readme, 'utf8');
  const match = new RegExp(`<!-- ${marker}:[^\\n]*-->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(text);
  if (match?.[1] === undefined) throw new Error(`README.md has no ${marker} block`);
  return match[1];
}

describe('README library quick start', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is at most 15 lines', async () => {
    expect((await quickstartSource()).trimEnd().split('\n').length).toBeLessThanOrEqual(15);
  });

  it('runs as written: registers an agent, distributes a task and prints its result', async () => {
    const generated = join(here, 'generated', 'readme-quickstart.ts');
    await mkdir(dirname(generated), { recursive: true });
    await writeFile(generated, `${await quickstartSource()}\nexport {};\n`);
    const logged: unknown[] = [];
    vi.spyOn(console, 'log').mockImplementation((value: unknown) => {
      logged.push(value);
    });
    await import(generated);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      agentId: 'summarizer',
      status: 'completed',
      result: { summary: 'Switchyard routes tasks ' },
    });
  });

  it('runs the progress example as written: each report reaches onProgress, then the result', async () => {
    const generated = join(here, 'generated', 'readme-progress.ts');
    await mkdir(dirname(generated), { recursive: true });
    await writeFile(generated, `${await blockAfter('progress-example')}\nexport {};\n`);
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => {
      logged.push(values);
    });
    await import(generated);
    expect(logged).toEqual([
      ['wrote the intro', 1 / 3],
      ['wrote the body', 2 / 3],
      ['wrote the ending', 1],
      ['a finished draft'],
    ]);
  });
});
