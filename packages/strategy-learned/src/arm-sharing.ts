import type { Logger, SharedState } from '@switchyard/core';
import { SHARED_STATE_MAX_VALUE_BYTES } from '@switchyard/core';
import type { ArmTableLimits } from './arm-table.js';
import { ArmTable } from './arm-table.js';
import type { LearnedOptions } from './learned-options.js';
import { decodeSharedArms, encodeSharedArms } from './shared-arms-codec.js';

type ShareOptions = NonNullable<LearnedOptions['share']>;

/** A failure is logged at once, then at most once per this long (with how many were not logged). */
const LOG_EVERY_MS = 60_000;

/**
 * Learning together with the replicas of the strategy on other orchestrators. Every
 * `intervalMs` this replica puts its own newest arms (only what it observed itself) under a key
 * of its own, reads every other replica's, and rebuilds from them a separate table of the
 * others' evidence, so nothing it hears is ever published again as its own. A shared state that
 * fails is logged (rate-limited) and learning goes on locally with the last table it built.
 */
export class ArmSharing {
  /** Names this replica's entry: random, so replicas seeded alike still differ. */
  readonly replicaId = crypto.randomUUID();
  private others: ArmTable | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private syncing: Promise<void> | undefined;
  private disposed = false;
  private syncs = 0;
  private lastLoggedAt = -Infinity;
  private unlogged = 0;

  constructor(
    private readonly options: ShareOptions,
    private readonly limits: ArmTableLimits,
    private readonly own: ArmTable,
    private readonly sharedState: SharedState,
    private readonly logger: Logger | undefined,
    private readonly now: () => number,
  ) {
    this.timer = setInterval(() => {
      void this.sync();
    }, options.intervalMs);
    // Sharing never keeps a process alive.
    this.timer.unref();
  }

  /** The other replicas' evidence as of the last sync; undefined before the first one that read any. */
  get othersTable(): ArmTable | undefined {
    return this.others;
  }

  /** Syncs that finished (successfully or not) since the start. */
  get syncCount(): number {
    return this.syncs;
  }

  /** One exchange now: publish, then read and rebuild. A sync still under way is waited for, not doubled (after dispose, only waited for). */
  sync(): Promise<void> {
    if (this.disposed) return this.syncing ?? Promise.resolve();
    this.syncing ??= this.exchange().finally(() => {
      this.syncing = undefined;
      this.syncs++;
    });
    return this.syncing;
  }

  /** Stops syncing; a sync under way finishes without changing anything. */
  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async exchange(): Promise<void> {
    const key = this.options.key;
    try {
      await this.sharedState.put(`${key}.${this.replicaId}`, this.encodeOwn());
    } catch (error) {
      this.report('publishing the learned table failed', error);
    }
    let entries: ReadonlyMap<string, Uint8Array>;
    try {
      entries = await this.sharedState.entries(key);
    } catch (error) {
      this.report('reading the other replicas’ learned tables failed', error);
      return;
    }
    if (this.disposed) return;
    const now = this.now();
    const others = new ArmTable(this.limits);
    for (const [entryKey, value] of entries) {
      if (entryKey === `${key}.${this.replicaId}`) continue;
      const arms = decodeSharedArms(value);
      if (arms instanceof Error) {
        this.report('a replica’s learned table was not understood; it is left out', arms, entryKey);
        continue;
      }
      for (const arm of arms) others.absorb(arm, now);
    }
    this.others = others;
  }

  /** The newest arms that fit in one value: half as many again until they do. */
  private encodeOwn(): Uint8Array {
    let limit = this.options.maxArms;
    for (;;) {
      const encoded = encodeSharedArms(this.own.newestArms(limit));
      if (encoded.byteLength <= SHARED_STATE_MAX_VALUE_BYTES || limit <= 1) return encoded;
      limit = Math.floor(limit / 2);
    }
  }

  private report(message: string, error: unknown, entry?: string): void {
    if (this.disposed) return;
    const now = this.now();
    if (now - this.lastLoggedAt < LOG_EVERY_MS) {
      this.unlogged++;
      return;
    }
    this.logger?.warn(message, {
      error: error instanceof Error ? error.message : String(error),
      ...(entry === undefined ? {} : { entry }),
      ...(this.unlogged === 0 ? {} : { notLoggedSince: this.unlogged }),
    });
    this.lastLoggedAt = now;
    this.unlogged = 0;
  }
}
