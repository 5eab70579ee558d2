/** Where a command writes and what it reads from the environment; tests pass their own. */
export interface CommandIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

export const processIo: CommandIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };
