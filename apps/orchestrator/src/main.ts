#!/usr/bin/env node
import 'reflect-metadata';
import { SwitchyardError, ValidationError } from '@switchyard/core';
import { createProgram } from './cli/create-program.js';

/** Exit codes: 0 done, 1 failed while running, 2 bad config or input. */
function explain(error: unknown): number {
  if (error instanceof ValidationError) {
    process.stderr.write(`${error.message.split(':')[0] ?? 'Invalid input'}:\n${error.issues.map((issue) => `  - ${issue.field === '' ? '(top level)' : issue.field}: ${issue.message}`).join('\n')}\n`);
    return 2;
  }
  if (error instanceof SwitchyardError) {
    process.stderr.write(`${error.code}: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

const program = createProgram((code) => {
  process.exitCode = code;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = explain(error);
}
