#!/usr/bin/env node
import { formatReport } from './check/format-report.js';
import { parseChaosArgs, USAGE } from './parse-chaos-args.js';
import { runChaos } from './run/run-chaos.js';

/** `npm run chaos -- [options]`: runs the scenario, prints the verdict, returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseChaosArgs>;
  try {
    parsed = parseChaosArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const interrupt = new AbortController();
  const onSignal = (): void => {
    if (interrupt.signal.aborted) {
      // Asked twice: exit now; the run's exit hook SIGKILLs its processes and removes its work dir.
      process.exit(130);
    }
    process.stderr.write('interrupted: stopping every process of the run (again to exit at once)\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { report, workDir } = await runChaos(
      parsed.settings,
      (line) => process.stderr.write(`${line}\n`),
      interrupt.signal,
    );
    process.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${formatReport(report)}\n`);
    if (workDir !== undefined) process.stderr.write(`work dir kept: ${workDir}\n`);
    return report.details.goals.met ? 0 : 1;
  } catch (error) {
    if (interrupt.signal.aborted) return 130;
    process.stderr.write(
      `chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  process.exitCode = await main(process.argv.slice(2));
}
