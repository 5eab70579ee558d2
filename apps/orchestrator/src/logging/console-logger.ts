import type { LogFields, Logger } from '@switchyard/core';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Logs to stderr (stdout stays for the command's own output), as readable lines or JSON lines. */
export class ConsoleLogger implements Logger {
  constructor(
    private readonly level: LogLevel,
    private readonly format: 'pretty' | 'json',
    private readonly stream: NodeJS.WritableStream = process.stderr,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  private write(level: Exclude<LogLevel, 'silent'>, message: string, fields: LogFields = {}): void {
    if (RANK[level] < RANK[this.level]) return;
    const time = new Date().toISOString();
    if (this.format === 'json') {
      this.stream.write(`${JSON.stringify({ time, level, msg: message, ...fields })}\n`);
      return;
    }
    const details = Object.entries(fields)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    this.stream.write(`${time} ${level.toUpperCase().padEnd(5)} ${message}${details === '' ? '' : ` ${details}`}\n`);
  }
}
