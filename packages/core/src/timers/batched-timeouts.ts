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
  /** Still taking entries (this turn); a closed, empty batch has no timer. */
  open = true;

  constructor(readonly durationMs: number) {}

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

/**
 * Timeouts started and cancelled at a high rate with a few distinct durations (one per task
 * attempt, one per waiting caller). Everything started with the same duration before the
 * current microtasks run out shares one batch and one timer, instead of a Timeout object and
 * a timer-list insertion each. Node's timers read the event loop's cached clock, which does not
 * move within a turn, so an entry fires exactly when a timer of its own would have. A batch
 * whose entries were all cancelled clears its timer; entries expire in the order they started.
 */
export class BatchedTimeouts<T extends TimeoutSlot> {
  /**
   * The batches still taking entries: one per duration, a handful at most. An array replaced on
   * closing rather than a Map cleared: a cleared Map's old table links to its new one, and once
   * one table has aged into the old generation that link keeps every later table, its batch and
   * their entries alive through young collections (each promoted in turn).
   */
  private open: TimeoutBatch[] = [];
  private closeScheduled = false;

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
    let batch = this.openBatchOf(durationMs);
    if (batch === undefined) {
      batch = new TimeoutBatch(durationMs);
      // The batch as the timer's argument: one shared callback, no closure per batch.
      batch.timer = setTimeout(this.fire, durationMs, batch);
      if (this.unref) (batch.timer as { unref?: () => void }).unref?.();
      this.open.push(batch);
      if (!this.closeScheduled) {
        this.closeScheduled = true;
        queueMicrotask(this.closeBatches);
      }
    }
    batch.append(entry);
  }

  /** Stops the entry's timeout, if it has one. */
  cancel(entry: T): void {
    const batch = entry.timeoutBatch;
    if (batch === undefined) return;
    batch.unlink(entry);
    if (!batch.open && batch.head === undefined) clearTimeout(batch.timer);
  }

  private openBatchOf(durationMs: number): TimeoutBatch | undefined {
    for (const batch of this.open) if (batch.durationMs === durationMs) return batch;
    return undefined;
  }

  private readonly closeBatches = (): void => {
    this.closeScheduled = false;
    for (const batch of this.open) {
      batch.open = false;
      if (batch.head === undefined) clearTimeout(batch.timer);
    }
    this.open = [];
  };

  private readonly fire = (batch: TimeoutBatch): void => {
    if (batch.open) {
      batch.open = false;
      this.open = this.open.filter((each) => each !== batch);
    }
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
