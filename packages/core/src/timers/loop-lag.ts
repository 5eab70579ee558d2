/**
 * How late a periodic timer has been firing lately: the event loop's own lag, measured by the
 * timer's drift (no runtime API needed). A tick that fires L ms late ran after the loop was busy
 * for about L ms, during which messages that arrived on time could not be read.
 */
export class LoopLag {
  private readonly recent: number[];
  private next = 0;
  private dueAt: number;

  /** `window`: how many ticks a measured lag is remembered. */
  constructor(
    private readonly intervalMs: number,
    window: number,
    now: number,
  ) {
    this.recent = new Array<number>(Math.max(1, window)).fill(0);
    this.dueAt = now + intervalMs;
  }

  /** Call at each tick: returns how late this one fired. */
  tick(now: number): number {
    const lagMs = Math.max(0, now - this.dueAt);
    this.dueAt = now + this.intervalMs;
    this.recent[this.next] = lagMs;
    this.next = (this.next + 1) % this.recent.length;
    return lagMs;
  }

  /** The largest lag of the remembered ticks. */
  get recentMaxMs(): number {
    return Math.max(...this.recent);
  }
}
