import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

interface CpuBurners {
  readonly pids: readonly number[];
  stop(): Promise<unknown>;
}

const burnerModule = join(dirname(fileURLToPath(import.meta.url)), '..', 'cpu-burner.mjs');
const { startCpuBurners } = (await import(burnerModule)) as { startCpuBurners: (count: number) => CpuBurners };

/** User + system CPU ticks a process has used, from /proc (Linux), or undefined once it is gone. */
async function cpuTicks(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(
  condition: () => Promise<boolean> | boolean,
  description: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the CPU burner of SWITCHYARD_TEST_STRESS', () => {
  it('keeps a process per core busy and stops exactly those processes', async () => {
    const burners = startCpuBurners(2);
    try {
      expect(burners.pids).toHaveLength(2);
      const [first] = burners.pids as [number];
      const start = (await cpuTicks(first)) ?? 0;
      await eventually(async () => ((await cpuTicks(first)) ?? 0) > start + 20, 'a burner has spent 0.2 s of CPU');
    } finally {
      await burners.stop();
    }
    for (const pid of burners.pids) expect(alive(pid)).toBe(false);
  }, 120_000);

  it('ends by itself when the run that started it dies without stopping it', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      `const { startCpuBurners } = await import(${JSON.stringify(burnerModule)}); process.stdout.write(String(startCpuBurners(1).pids[0])); process.exit(0);`,
    ]);
    const orphan = Number(stdout.trim());
    expect(orphan).toBeGreaterThan(0);
    await eventually(() => !alive(orphan), 'the orphaned burner exits');
  }, 120_000);
});
