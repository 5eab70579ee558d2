export type LogFields = Readonly<Record<string, unknown>>;

/** Where core reports what it rejected or noticed; the app decides the format and the stream. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
