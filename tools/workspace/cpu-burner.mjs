// A CPU burner for SWITCHYARD_TEST_STRESS: one busy-looping node process per core.
import { spawn } from 'node:child_process';

// Spins, and every few million turns checks that this process (its starter, named by pid: the
// starter may die before the burner reads its own ppid) is still there, so a burner never
// outlives a test run that was killed without a chance to stop it.
const burn = (parent) =>
  `for (;;) { for (let turn = 0; turn < 5e6; turn++); try { process.kill(${parent}, 0); } catch { process.exit(0); } }`;

/** Starts `count` burners; returns their pids and a function that stops exactly those processes. */
export function startCpuBurners(count) {
  const burners = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', burn(process.pid)], { stdio: 'ignore' }),
  );
  return {
    pids: burners.map((burner) => burner.pid),
    stop: () => {
      for (const burner of burners) burner.kill('SIGKILL');
      return Promise.all(
        burners.map((burner) =>
          burner.exitCode !== null || burner.signalCode !== null
            ? undefined
            : new Promise((resolve) => burner.once('exit', resolve)),
        ),
      );
    },
  };
}
