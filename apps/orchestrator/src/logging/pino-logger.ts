import type { LogFields, Logger } from '@switchyard/core';
import type { Logger as Pino } from 'pino';
import { pino } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'pretty' | 'json';

/** A stream that may say whether a terminal reads it (process.stderr does). */
export type LogStream = NodeJS.WritableStream & { readonly isTTY?: boolean };

/** Keys pino writes itself; everything else in a record is the caller's fields. */
const RECORD_KEYS = new Set(['level', 'time', 'msg']);

/** `message key=value …`: the fields stay greppable on one line without JSON's noise. */
function logfmtLine(record: Record<string, unknown>): string {
  const fields = Object.entries(record)
    .filter(([key]) => !RECORD_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [String(record.msg), ...fields].join(' ');
}

/**
 * Core's Logger port over pino. Fields become the record's own keys (`taskId`, `agentId`, …) so
 * log tools can filter on them. `json`: one JSON object a line with the level as a word; `pretty`:
 * one readable `time LEVEL: message key=value` line (pino-pretty in this thread, synchronously, so nothing is lost at exit).
 */
export class PinoLogger implements Logger {
  private constructor(private readonly pino: Pino) {}

  static create(level: LogLevel, format: LogFormat, stream: LogStream): PinoLogger {
    const destination =
      format === 'json'
        ? stream
        : PinoPretty({
            destination: stream,
            sync: true,
            colorize: stream.isTTY === true,
            translateTime: 'SYS:HH:MM:ss.l',
            hideObject: true,
            messageFormat: (record) => logfmtLine(record),
          });
    return new PinoLogger(
      pino(
        {
          level,
          base: undefined,
          timestamp: pino.stdTimeFunctions.isoTime,
          formatters: { level: (label) => ({ level: label }) },
        },
        destination,
      ),
    );
  }

  debug(message: string, fields: LogFields = {}): void {
    this.pino.debug(fields, message);
  }

  info(message: string, fields: LogFields = {}): void {
    this.pino.info(fields, message);
  }

  warn(message: string, fields: LogFields = {}): void {
    this.pino.warn(fields, message);
  }

  error(message: string, fields: LogFields = {}): void {
    this.pino.error(fields, message);
  }
}
