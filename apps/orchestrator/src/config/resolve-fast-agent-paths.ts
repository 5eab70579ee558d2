import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { FastAgentOptions } from '@switchyard/fast-agent';

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}

/**
 * A stdio server's paths as a config file means them: `~/` is the home folder, a relative
 * command path (one with a `/`) and `cwd` are relative to the config file's folder, and without
 * `cwd` the server runs in that folder (where its agents file and fastagent.config.yaml sit).
 */
export function resolveFastAgentPaths(options: FastAgentOptions, baseDir: string): FastAgentOptions {
  return {
    ...options,
    servers: options.servers.map((server) => {
      if (server.command === undefined) return server;
      const command = expandHome(server.command);
      return {
        ...server,
        command: command.includes('/') && !isAbsolute(command) ? resolve(baseDir, command) : command,
        cwd: resolve(baseDir, expandHome(server.cwd ?? '.')),
      };
    }),
  };
}
