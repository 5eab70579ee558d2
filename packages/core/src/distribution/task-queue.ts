import type { MessagePriority } from '../models/message-priority.js';
import type { TaskRecord } from './task-record.js';

/** Priority levels by rank: a higher index goes first. */
export const PRIORITY_RANKS: readonly MessagePriority[] = ['low', 'normal', 'high', 'critical'];

const RANK_OF: Readonly<Record<MessagePriority, number>> = { low: 0, normal: 1, high: 2, critical: 3 };

/** The waiting tasks that need one capability set, FIFO per priority level. */
export class QueueGroup {
  readonly heads: (TaskRecord | null)[] = [null, null, null, null];
  readonly tails: (TaskRecord | null)[] = [null, null, null, null];
  size = 0;

  constructor(
    readonly key: string,
    readonly requiredCapabilities: readonly string[],
  ) {}

  /**
   * The task to run next in this group and its effective rank: its priority plus one level per
   * `agingMs` waited, so a low task waiting long enough overtakes fresh critical ones. FIFO per
   * level means each level's head is its oldest, so only the four heads compete.
   */
  next(now: number, agingMs: number): { task: TaskRecord; rank: number } | undefined {
    let best: TaskRecord | undefined;
    let bestRank = -Infinity;
    for (let level = 3; level >= 0; level--) {
      const head = this.heads[level];
      if (head === null || head === undefined) continue;
      const rank = agingMs > 0 ? level + (now - (head.queuedAt ?? now)) / agingMs : level;
      if (rank > bestRank) {
        best = head;
        bestRank = rank;
      }
    }
    return best === undefined ? undefined : { task: best, rank: bestRank };
  }
}

/**
 * Tasks waiting for a free capable agent, grouped by capability set (so a task nobody can take
 * now never blocks one that somebody can) and ordered critical > high > normal > low, FIFO
 * within a level, with optional aging. Links live on the tasks: add and remove are O(1).
 */
export class TaskQueue {
  /** Only groups that hold tasks. */
  private readonly groups = new Map<string, QueueGroup>();
  private readonly countByRank = [0, 0, 0, 0];
  private total = 0;

  /** 0 turns aging off. */
  constructor(readonly agingMs: number) {}

  get size(): number {
    return this.total;
  }

  countOf(priority: MessagePriority): number {
    return this.countByRank[RANK_OF[priority]] ?? 0;
  }

  waitingGroups(): IterableIterator<QueueGroup> {
    return this.groups.values();
  }

  /** Appends a task at the tail of its level; `key` and `capabilities` are its capability signature. */
  add(task: TaskRecord, key: string, requiredCapabilities: readonly string[]): void {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = new QueueGroup(key, requiredCapabilities);
      this.groups.set(key, group);
    }
    const level = RANK_OF[task.priority];
    const tail = group.tails[level] ?? null;
    task.queueKey = key;
    task.queueLevel = level;
    task.queuePrevious = tail;
    task.queueNext = null;
    if (tail === null) group.heads[level] = task;
    else tail.queueNext = task;
    group.tails[level] = task;
    group.size++;
    this.countByRank[level] = (this.countByRank[level] ?? 0) + 1;
    this.total++;
  }

  /** Takes a task out wherever it stands; false when it was not queued. */
  remove(task: TaskRecord): boolean {
    const key = task.queueKey;
    if (key === null) return false;
    const group = this.groups.get(key);
    if (group === undefined) return false;
    const level = task.queueLevel;
    if (task.queuePrevious === null) group.heads[level] = task.queueNext;
    else task.queuePrevious.queueNext = task.queueNext;
    if (task.queueNext === null) group.tails[level] = task.queuePrevious;
    else task.queueNext.queuePrevious = task.queuePrevious;
    task.queueKey = null;
    task.queueLevel = -1;
    task.queuePrevious = null;
    task.queueNext = null;
    group.size--;
    this.countByRank[level] = (this.countByRank[level] ?? 1) - 1;
    this.total--;
    if (group.size === 0) this.groups.delete(key);
    return true;
  }

  /** When the longest-waiting task entered the queue (heads are the oldest of their level). */
  oldestQueuedAt(): number | null {
    let oldest: number | null = null;
    for (const group of this.groups.values()) {
      for (const head of group.heads) {
        const queuedAt = head?.queuedAt ?? null;
        if (queuedAt !== null && (oldest === null || queuedAt < oldest)) oldest = queuedAt;
      }
    }
    return oldest;
  }
}
