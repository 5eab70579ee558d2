import { join } from 'node:path';
import { hashToken } from '@switchyard/core';
import { appRoot, CliProcess } from './cli-process.js';

/** A `switchyard start` of the example fleet, without example traffic, and where its banner says things are. */
export interface OpsDaemon {
  readonly process: CliProcess;
  readonly mcpUrl: string;
  readonly dashboardUrl: string;
  stop(): Promise<void>;
}

/** Starts the daemon with two configured tokens: one with admin, one that may only watch (ops:read). */
export async function startOpsDaemon(adminToken: string, viewerToken: string): Promise<OpsDaemon> {
  const tokens = [
    { name: 'ops', sha256: await hashToken(adminToken), permissions: ['admin'] },
    { name: 'watcher', sha256: await hashToken(viewerToken), permissions: ['ops:read'] },
  ];
  const daemon = new CliProcess(['start', '--config', join(appRoot, 'switchyard.example.yaml')], {
    SWITCHYARD_DEMO__TASKS_PER_SECOND: '0',
    SWITCHYARD_LOGGING__LEVEL: 'warn',
    SWITCHYARD_AUTH__TOKENS: JSON.stringify(tokens),
  });
  await daemon.waitFor(/Press Ctrl-C to stop/);
  return {
    process: daemon,
    mcpUrl: /MCP \(HTTP\):\s+(\S+)/.exec(daemon.stdout)?.[1] as string,
    dashboardUrl: /dashboard:\s+(\S+)/.exec(daemon.stdout)?.[1] as string,
    stop: async () => {
      daemon.kill('SIGTERM');
      await daemon.exited;
    },
  };
}
