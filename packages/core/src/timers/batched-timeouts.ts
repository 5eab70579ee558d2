/** The links an object carries to be timed by BatchedTimeouts: starting and cancelling then allocate nothing. */
export interface TimeoutSlot {
  timeoutBatch: TimeoutBatch | undefined;
  timeoutPrevious: TimeoutSlot | undefined;
  timeoutNext: TimeoutSlot | undefined;
}

/** The entries started with one duration in one turn, in a list, under one timer. */
export class TimeoutBatch {
  head: TimeoutSlot | undefined;
  tail: TimeoutSlot | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Still taking entries; a closed, empty batch has no timer. */
  open = true;

  constructor(
    readonly durationMs: number,
    /** Date.now() when the batch and its timer started. */
    readonly startedAt: number,
  ) {}

  append(entry: TimeoutSlot): void {
    entry.timeoutBatch = this;
    entry.timeoutPrevious = this.tail;
    entry.timeoutNext = undefined;
    if (this.tail === undefined) this.head = entry;
    else this.tail.timeoutNext = entry;
    this.tail = entry;
  }

  unlink(entry: TimeoutSlot): void {
    const { timeoutPrevious: previous, timeoutNext: next } = entry;
    if (previous === undefined) this.head = next;
    else previous.timeoutNext = next;
    if (next === undefined) this.tail = previous;
    else next.timeoutPrevious = previous;
    entry.timeoutBatch = undefined;
    entry.timeoutPrevious = undefined;
    entry.timeoutNext = undefined;
  }
}

/** How long a batch takes entries: an entry fires at most this much before a timer of its own would. */
const BATCH_WINDOW_MS = 1;

/**
 * Timeouts started and cancelled at a high rate with a few distinct durations (one per task
 * attempt, one per waiting caller). Everything started with the same duration within the same
 * millisecond shares one batch and one timer, instead of a Timeout object and a timer-list
 * insertion each; a batch serves the tasks of its millisecond one after
 * another while some are in flight. An entry fires when its batch's timer does: at most 1 ms
 * early, which is Node's own granularity (its timers count whole milliseconds from the event
 * loop's cached clock). A batch whose entries were all cancelled clears its timer at once;
 * entries expire in the order they started. Under fake timers (Date faked too) timing is exact.
 */
export class BatchedTimeouts<T extends TimeoutSlot> {
  /**
   * The batches taking entries, one per duration: a handful at most. An array rather than a
   * Map: see SlabMap for what churn in a long-lived Map costs.
   */
  private open: TimeoutBatch[] = [];

  /**
   * `expired` runs for each entry whose time is up. `unref`: the timers do not keep the
   * process alive on their own (where the runtime has unref).
   */
  constructor(
    private readonly expired: (entry: T, durationMs: number) => void,
    private readonly unref: boolean,
  ) {}

  /** (Re)starts the entry's timeout. */
  start(entry: T, durationMs: number): void {
    this.cancel(entry);
    const now = Date.now();
    let batch = this.openBatchOf(durationMs);
    // A clock that went backwards closes the batch too: its entries must never fire early by the jump.
    if (batch !== undefined && (now - batch.startedAt >= BATCH_WINDOW_MS || now < batch.startedAt)) {
      this.close(batch);
      batch = undefined;
    }
    if (batch === undefined) {
      batch = new TimeoutBatch(durationMs, now);
      // The batch as the timer's argument: one shared callback, no closure per batch.
      batch.timer = setTimeout(this.fire, durationMs, batch);
      if (this.unref) (batch.timer as { unref?: () => void }).unref?.();
      this.open.push(batch);
    }
    batch.append(entry);
  }

  /** Stops the entry's timeout, if it has one. */
  cancel(entry: T): void {
    const batch = entry.timeoutBatch;
    if (batch === undefined) return;
    batch.unlink(entry);
    if (batch.head !== undefined) return;
    // Nothing left to time: the timer goes now (an idle process must not wait for it).
    if (batch.open) this.close(batch);
    else clearTimeout(batch.timer);
  }

  private openBatchOf(durationMs: number): TimeoutBatch | undefined {
    for (const batch of this.open) if (batch.durationMs === durationMs) return batch;
    return undefined;
  }

  /** The batch takes no more entries; with none left its timer goes. */
  private close(batch: TimeoutBatch): void {
    batch.open = false;
    this.open = this.open.filter((each) => each !== batch);
    if (batch.head === undefined) clearTimeout(batch.timer);
  }

  private readonly fire = (batch: TimeoutBatch): void => {
    if (batch.open) this.close(batch);
    let failure: { error: unknown } | undefined;
    // Head first, re-read each time: a callback may cancel or restart later entries of the batch.
    for (let entry = batch.head; entry !== undefined; entry = batch.head) {
      batch.unlink(entry);
      try {
        this.expired(entry as T, batch.durationMs);
      } catch (error) {
        // The rest still expire; the first error surfaces afterwards, as from a timer of its own.
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  };
}
