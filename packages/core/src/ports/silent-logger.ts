import type { Logger } from './logger.js';

/** The library default: core says nothing unless the embedding app gives it a logger. */
export class SilentLogger implements Logger {
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
}
