import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The current nats-server the workspace provisions (`npm run provision` go-installs it into natsServerCacheDir). */
export const PROVISIONED_NATS_SERVER_VERSION = '2.15.3';

/** Where provisioning puts the current nats-server: outside the repo, shared by every clone (like the fast-agent venv). */
export function natsServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SWITCHYARD_BIN_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'switchyard', 'bin');
}

/** Which nats-server a test runs, and why that one. */
export interface NatsServerBinary {
  /** A path, or a bare name looked up on PATH. */
  readonly command: string;
  readonly source: 'NATS_SERVER_BIN' | 'cache' | 'PATH';
}

/**
 * Picks the nats-server to run: `NATS_SERVER_BIN` when set; else the provisioned current one in
 * the cache dir; else `nats-server` on PATH (Debian's 2.9.10 here). `SWITCHYARD_NATS_SERVER=debian`
 * (or `path`) skips the cache dir, to run the suite against the old server on purpose.
 */
export function pickNatsServerBinary(env: NodeJS.ProcessEnv = process.env): NatsServerBinary {
  const explicit = env.NATS_SERVER_BIN;
  if (explicit !== undefined && explicit !== '') return { command: explicit, source: 'NATS_SERVER_BIN' };
  const choice = env.SWITCHYARD_NATS_SERVER;
  if (choice !== undefined && choice !== '' && choice !== 'debian' && choice !== 'path' && choice !== 'current') {
    throw new Error(
      `SWITCHYARD_NATS_SERVER must be 'current' (the provisioned ${PROVISIONED_NATS_SERVER_VERSION}, the default) or 'debian' / 'path' (nats-server on PATH), not '${choice}'`,
    );
  }
  const cached = join(natsServerCacheDir(env), 'nats-server');
  if (choice !== 'debian' && choice !== 'path' && existsSync(cached)) return { command: cached, source: 'cache' };
  return { command: 'nats-server', source: 'PATH' };
}

const versions = new Map<string, Promise<string>>();

/** The version a nats-server binary reports (`nats-server --version` → `nats-server: v2.15.3` → `2.15.3`); asked once per binary. */
export function natsServerVersion(command: string): Promise<string> {
  let version = versions.get(command);
  if (version === undefined) {
    version = new Promise<string>((resolve, reject) => {
      execFile(command, ['--version'], { timeout: 10_000 }, (error, stdout) => {
        if (error !== null) {
          reject(new Error(`${command} --version failed: ${error.message}`, { cause: error }));
          return;
        }
        const match = /v?(\d+\.\d+\.\d+\S*)/.exec(stdout);
        if (match?.[1] === undefined) reject(new Error(`${command} --version said '${stdout.trim()}', not a version`));
        else resolve(match[1]);
      });
    });
    versions.set(command, version);
    version.catch(() => versions.delete(command));
  }
  return version;
}
