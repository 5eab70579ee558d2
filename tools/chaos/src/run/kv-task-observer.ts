import { setTimeout as delay } from 'node:timers/promises';
import type { JetStreamManager, KV, KvEntry, NatsConnection, QueuedIterator } from 'nats';
import { connect, Events, KvWatchInclude } from 'nats';
import type { ObserverStats } from '../check/chaos-report.js';
import type { TaskChange, TaskLedger } from '../check/task-ledger.js';
import { parseTaskSnapshot } from '../check/task-snapshot.js';

/** How often the observer checks that its watch keeps up with the bucket's stream. */
const WATCHDOG_MS = 250;

/** The KV bucket of a durable orchestrator's tasks: `<subjectPrefix>_tasks`, dots made `_`. */
export function tasksBucket(subjectPrefix: string): string {
  return `${subjectPrefix.replace(/\./g, '_')}_tasks`;
}

/**
 * Reads the truth from JetStream, beside the system and not through it: a watch over the tasks'
 * KV bucket that delivers every revision still in the stream, in order, into the ledger. It is
 * opened again from the next revision whenever it ends, the connection comes back, or it stops
 * keeping up (nats.js 2.29's KV watch does not resume by itself after a nats-server restart),
 * and gaps in the revision numbers (revisions replaced before they were read) are counted. At
 * the end, readAll reads every key's newest value once more.
 */
export class KvTaskObserver {
  private connection: NatsConnection | undefined;
  private kv: KV | undefined;
  private manager: JetStreamManager | undefined;
  private watch: QueuedIterator<KvEntry> | undefined;
  private following: Promise<void> = Promise.resolve();
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private watching = false;
  private lastRevision = 0;
  private revisionAtLastCheck = 0;
  private checkFailing = false;
  /** The revision the watch last stalled at. */
  private stalledAt = -1;
  private readonly counts = { revisions: 0, unobservedRevisions: 0, watchRestarts: 0, malformedValues: 0 };

  constructor(
    private readonly urls: readonly string[],
    private readonly bucket: string,
    private readonly ledger: TaskLedger,
    private readonly log: (line: string) => void,
  ) {}

  /** Connects (reconnecting for ever), waits for the orchestrators' bucket and starts watching it. */
  async start(timeoutMs: number): Promise<void> {
    const connection = await connect({
      servers: [...this.urls],
      name: 'switchyard-chaos-observer',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    this.connection = connection;
    this.manager = await connection.jetstreamManager();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        this.kv = await connection.jetstream().views.kv(this.bucket, { bindOnly: true });
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(
            `no KV bucket ${this.bucket} after ${String(timeoutMs)} ms: is JetStream durability on? (${error instanceof Error ? error.message : String(error)})`,
          );
        await delay(100);
      }
    }
    this.watching = true;
    this.following = this.follow();
    this.reopenOnReconnect(connection).catch((error: unknown) => {
      this.log(
        `observer: stopped following the connection's status (${error instanceof Error ? error.message : String(error)})`,
      );
    });
    this.watchdog = setInterval(() => {
      this.checkWatch().catch((error: unknown) => {
        // Once per outage: while a cluster elects a stream leader, every check times out.
        if (!this.checkFailing)
          this.log(
            `observer: could not check the watch (${error instanceof Error ? error.message : String(error)}); still trying`,
          );
        this.checkFailing = true;
      });
    }, WATCHDOG_MS);
  }

  stats(): ObserverStats {
    return { ...this.counts };
  }

  /** Stops the live watch. */
  async stopWatching(): Promise<void> {
    this.watching = false;
    clearInterval(this.watchdog);
    this.watch?.stop();
    await this.following;
  }

  /** Reads every key's newest value once (the last word, whatever the watch missed). */
  async readAll(): Promise<void> {
    const kv = this.require();
    // The callback can run before kv.watch returns (an empty bucket) or while iterating.
    const scan: { watch?: QueuedIterator<KvEntry>; initialized: boolean } = { initialized: false };
    scan.watch = await kv.watch({
      include: KvWatchInclude.LastValue,
      initializedFn: () => {
        scan.initialized = true;
        scan.watch?.stop();
      },
    });
    if (scan.initialized) scan.watch.stop();
    for await (const entry of scan.watch) this.take(entry);
  }

  async stop(): Promise<void> {
    await this.stopWatching();
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
  }

  private async follow(): Promise<void> {
    const kv = this.require();
    while (this.isWatching()) {
      try {
        const watch = await kv.watch({
          include: KvWatchInclude.AllHistory,
          ...(this.lastRevision > 0 ? { resumeFromRevision: this.lastRevision + 1 } : {}),
        });
        this.watch = watch;
        for await (const entry of watch) {
          if (entry.revision <= this.lastRevision) continue;
          this.counts.unobservedRevisions += entry.revision - this.lastRevision - 1;
          this.lastRevision = entry.revision;
          this.take(entry);
        }
      } catch (error) {
        this.log(
          `observer: the watch failed (${error instanceof Error ? error.message : String(error)}); opening it again`,
        );
      }
      if (!this.isWatching()) return;
      this.counts.watchRestarts++;
      await delay(100);
    }
  }

  private async reopenOnReconnect(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === Events.Reconnect) this.watch?.stop();
    }
  }

  /** Read afresh: stopWatching may have run while the watch was being read. */
  private isWatching(): boolean {
    return this.watching;
  }

  /** A watch that read nothing since the last check while the stream holds more has stalled: end it, and follow() opens it again. */
  private async checkWatch(): Promise<void> {
    const manager = this.manager;
    const before = this.lastRevision;
    const progressed = before !== this.revisionAtLastCheck;
    this.revisionAtLastCheck = before;
    if (manager === undefined || !this.watching || progressed) return;
    const info = await manager.streams.info(`KV_${this.bucket}`);
    this.checkFailing = false;
    if (info.state.last_seq > before && this.lastRevision === before) {
      // Said once per stall: while its server is down, it is reopened every check until it moves.
      if (this.stalledAt !== before)
        this.log(
          `observer: the watch stalled at revision ${String(before)} of ${String(info.state.last_seq)}; opening it again`,
        );
      this.stalledAt = before;
      this.watch?.stop();
    }
  }

  private take(entry: KvEntry): void {
    let change: TaskChange;
    if (entry.operation === 'PUT') {
      const task = parseTaskSnapshot(entry.value);
      if (task === undefined || Buffer.from(task.id, 'utf8').toString('base64url') !== entry.key) {
        this.counts.malformedValues++;
        return;
      }
      change = { kind: 'put', task };
    } else {
      change = { kind: 'delete', taskId: Buffer.from(entry.key, 'base64url').toString('utf8') };
    }
    if (this.ledger.observe(entry.revision, change, entry.created.getTime())) this.counts.revisions++;
  }

  private require(): KV {
    if (this.kv === undefined) throw new Error('the observer is not started');
    return this.kv;
  }
}
