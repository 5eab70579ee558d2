#!/usr/bin/env node
// Installs the outside programs the tests need when they are missing, or stops with the exact
// commands to run. `npm test` runs this first; `npm run provision` runs it alone.
import { execFileSync, spawnSync } from 'node:child_process';

/** What the tests need from outside npm, how to see it is there, and how Debian provides it. */
const requirements = [
  {
    name: 'nats-server',
    why: 'NATS transport tests start a real nats-server',
    present: () => spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0,
    aptPackages: ['nats-server'],
  },
];

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;

const missing = requirements.filter((requirement) => !requirement.present());
if (missing.length === 0) {
  console.log(`provision: ${requirements.map((requirement) => requirement.name).join(', ')} present`);
  process.exit(0);
}

const packages = missing.flatMap((requirement) => requirement.aptPackages);
const commands = [`apt-get update`, `apt-get install -y ${packages.join(' ')}`];
if (!isRoot || !hasApt) {
  console.error(`provision: missing ${missing.map((requirement) => `${requirement.name} (${requirement.why})`).join(', ')}.`);
  console.error('Install them, then run npm test again:');
  for (const command of commands) console.error(`  sudo ${command}`);
  process.exit(1);
}

console.log(`provision: installing ${packages.join(', ')} from Debian's packages`);
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
} catch {
  console.error('provision: installing failed. Run these yourself, then npm test again:');
  for (const command of commands) console.error(`  ${command}`);
  process.exit(1);
}
const stillMissing = missing.filter((requirement) => !requirement.present());
if (stillMissing.length > 0) {
  console.error(`provision: ${stillMissing.map((requirement) => requirement.name).join(', ')} still missing after install`);
  process.exit(1);
}
console.log('provision: done');
