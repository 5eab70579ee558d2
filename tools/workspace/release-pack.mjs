#!/usr/bin/env node
// `npm run release:pack [-- --out DIR]`: builds every publishable package and packs it as it would
// be published. The version comes from one place, the root package.json: each tarball carries it,
// and so do its dependencies on sibling packages. Manifests are rewritten in a staging copy (the
// workspace's own stay as they are) without what only the workspace needs (scripts, devDependencies,
// the nx section), and build leftovers (tsbuildinfo) never reach a tarball.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

const outArgument = process.argv.indexOf('--out');
const out = resolve(outArgument === -1 ? join(root, 'dist', 'release') : (process.argv[outArgument + 1] ?? ''));
const version = readJson(join(root, 'package.json')).version;

/** Every workspace package that is not private: what a user can install. */
function publishablePackages() {
  const folders = readJson(join(root, 'package.json')).workspaces.flatMap((pattern) => {
    const base = join(root, pattern.replace(/\/\*$/, ''));
    return readdirSync(base).map((name) => join(base, name));
  });
  return folders
    .filter((folder) => existsSync(join(folder, 'package.json')))
    .map((folder) => ({ folder, manifest: readJson(join(folder, 'package.json')) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** Sibling ranges become the release version: exact for dependencies, a caret range for peers (plugins work with any compatible core). */
function pinSiblings(section, siblings, range) {
  if (section === undefined) return undefined;
  return Object.fromEntries(Object.entries(section).map(([name, spec]) => [name, siblings.has(name) ? range : spec]));
}

function releaseManifest(manifest, siblings) {
  const { scripts: _scripts, devDependencies: _devDependencies, nx: _nx, ...published } = manifest;
  return {
    ...published,
    version,
    ...(manifest.dependencies === undefined
      ? {}
      : { dependencies: pinSiblings(manifest.dependencies, siblings, version) }),
    ...(manifest.peerDependencies === undefined
      ? {}
      : { peerDependencies: pinSiblings(manifest.peerDependencies, siblings, `^${version}`) }),
  };
}

const packages = publishablePackages();
const siblings = new Set(packages.map(({ manifest }) => manifest.name));
const projects = packages.map(({ manifest }) => manifest.nx?.name ?? manifest.name);
// --skip-build: packs what is built (the outsider test, whose `npm test` built everything already:
// a second nx build inside a running test run would rewrite dist folders other tests are using).
if (process.argv.includes('--skip-build')) {
  const unbuilt = packages.filter(({ folder }) => !existsSync(join(folder, 'dist')));
  if (unbuilt.length > 0)
    throw new Error(
      `release:pack --skip-build: not built yet: ${unbuilt.map(({ manifest }) => manifest.name).join(', ')}`,
    );
} else {
  process.stderr.write(`release:pack ${version}: building ${projects.join(', ')}\n`);
  execFileSync(
    join(root, 'node_modules', '.bin', 'nx'),
    ['run-many', '-t', 'build', '-p', projects.join(','), '--output-style=static'],
    { cwd: root, stdio: ['ignore', 2, 2] },
  );
}

const staging = join(out, '.staging');
rmSync(staging, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const tarballs = [];
for (const { folder, manifest } of packages) {
  const stage = join(staging, manifest.name.replace('/', '__'));
  mkdirSync(stage, { recursive: true });
  for (const entry of [
    ...(manifest.files ?? []).filter((pattern) => !pattern.startsWith('!')),
    'README.md',
    'LICENSE',
  ]) {
    const source = join(folder, entry);
    if (existsSync(source))
      cpSync(source, join(stage, entry), { recursive: true, filter: (path) => !path.endsWith('.tsbuildinfo') });
  }
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(releaseManifest(manifest, siblings), null, 2)}\n`);
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', stage, '--pack-destination', out, '--json', '--silent'], {
      cwd: out,
      encoding: 'utf8',
    }),
  );
  tarballs.push(packed.filename);
}
rmSync(staging, { recursive: true, force: true });
process.stdout.write(`${tarballs.map((file) => join(out, file)).join('\n')}\n`);
