import type { LogFields, Logger } from '../ports/logger.js';

/** A logger that names the strategy in every entry (a field the plugin's own fields cannot replace). */
export class ScopedLogger implements Logger {
  constructor(
    private readonly logger: Logger,
    private readonly strategy: string,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.logger.debug(message, { ...fields, strategy: this.strategy });
  }

  info(message: string, fields?: LogFields): void {
    this.logger.info(message, { ...fields, strategy: this.strategy });
  }

  warn(message: string, fields?: LogFields): void {
    this.logger.warn(message, { ...fields, strategy: this.strategy });
  }

  error(message: string, fields?: LogFields): void {
    this.logger.error(message, { ...fields, strategy: this.strategy });
  }
}
