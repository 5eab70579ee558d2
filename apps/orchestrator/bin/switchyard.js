#!/usr/bin/env node
// npm links a package's bin when it installs it, before anything is built: this committed file is
// that bin, so `npx @switchyard/cli` resolves from a fresh clone, and it says what to do until the build exists.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (existsSync(main)) {
  await import(main.href);
} else {
  process.stderr.write(
    'switchyard: the CLI is not built yet (no dist/main.js next to this bin).\n' +
      'In a clone of the repository run `npm start` or `npx nx run orchestrator:build` once, then try again.\n',
  );
  process.exitCode = 1;
}
