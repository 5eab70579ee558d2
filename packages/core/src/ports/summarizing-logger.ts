import type { Clock } from './clock.js';
import type { LogFields, Logger } from './logger.js';

export interface SummarizingLoggerOptions {
  readonly intervalMs: number;
  /** Per message and interval, lines written for this many senders; later ones are only counted. */
  readonly sendersPerInterval: number;
}

interface Tally {
  /** Senders already given their line this interval. */
  readonly logged: Set<string>;
  /** Lines held back this interval, per sender (the first senders beyond the limit by name, the rest in `others`). */
  readonly suppressed: Map<string, number>;
  others: number;
}

/** Senders named in one summary line; beyond them only a count. */
const NAMED_IN_SUMMARY = 20;

/**
 * Keeps a flood of warnings from becoming a flood of log lines: per warning message and
 * interval, one line per sender and error code (the envelope's `from`, else the agent id; a
 * sender that sent junk is unknown, so junk counts per code) for the first `sendersPerInterval`; every further warning is counted, and when the
 * interval ends one summary line per message says how many were held back and from whom. So a
 * junk flood costs at most `sendersPerInterval + 1` lines per message per interval. debug, info
 * and error lines pass through untouched.
 */
export class SummarizingLogger implements Logger {
  private readonly tallies = new Map<string, Tally>();
  private intervalStart: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly inner: Logger,
    private readonly clock: Clock,
    private readonly options: SummarizingLoggerOptions,
  ) {
    this.intervalStart = clock.now();
  }

  debug(message: string, fields?: LogFields): void {
    this.inner.debug(message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.inner.info(message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.inner.error(message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    const now = this.clock.now();
    if (now - this.intervalStart >= this.options.intervalMs) this.flush(now);
    let tally = this.tallies.get(message);
    if (tally === undefined) {
      tally = { logged: new Set(), suppressed: new Map(), others: 0 };
      this.tallies.set(message, tally);
    }
    const sender = senderOf(fields);
    if (!tally.logged.has(sender) && tally.logged.size < this.options.sendersPerInterval) {
      tally.logged.add(sender);
      this.inner.warn(message, fields);
      return;
    }
    const held = tally.suppressed.get(sender);
    if (held !== undefined) tally.suppressed.set(sender, held + 1);
    else if (tally.suppressed.size < NAMED_IN_SUMMARY) tally.suppressed.set(sender, 1);
    else tally.others++;
    // Held-back lines are summarised even if no further warning comes to end the interval.
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush(this.clock.now());
    }, this.options.intervalMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Writes the summaries of the interval that ends now and starts the next one. */
  flush(now: number = this.clock.now()): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const intervalMs = now - this.intervalStart;
    this.intervalStart = now;
    const tallies = [...this.tallies];
    this.tallies.clear();
    for (const [message, tally] of tallies) {
      if (tally.suppressed.size === 0) continue;
      let count = tally.others;
      for (const each of tally.suppressed.values()) count += each;
      this.inner.warn(`${message} (repeats held back)`, {
        suppressed: count,
        intervalMs,
        bySender: Object.fromEntries(tally.suppressed),
        ...(tally.others === 0 ? {} : { fromOtherSenders: tally.others }),
      });
    }
  }
}

/** The sender and what it got wrong: one line each per interval. */
function senderOf(fields: LogFields | undefined): string {
  const sender = fields?.from ?? fields?.agentId;
  const code = fields?.code;
  return `${typeof sender === 'string' ? sender : '?'} ${typeof code === 'string' ? code : ''}`.trimEnd();
}
