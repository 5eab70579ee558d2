#!/usr/bin/env node
import 'reflect-metadata';
import { SwitchyardError, ValidationError } from '@switchyard/core';
import { CommanderError } from 'commander';
import { createProgram } from './cli/create-program.js';
import { exitCodeFor } from './cli/exit-codes.js';

/** Says what went wrong on stderr and picks the exit code (cli/exit-codes.ts). */
function explain(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already said what was wrong with the arguments.
  } else if (error instanceof ValidationError) {
    process.stderr.write(
      `${error.message.split(':')[0] ?? 'Invalid input'}:\n${error.issues.map((issue) => `  - ${issue.field === '' ? '(top level)' : issue.field}: ${issue.message}`).join('\n')}\n`,
    );
  } else if (error instanceof SwitchyardError) {
    process.stderr.write(`${error.code}: ${error.message}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  return exitCodeFor(error);
}

const program = createProgram((code) => {
  process.exitCode = code;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = explain(error);
}
