/**
 * Counts a server's consecutive failed calls: at `failures` in a row it opens (the server is
 * treated as down and its agents go offline) until `openMs` have passed, then the next probe
 * decides. A success closes it and clears the count.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntil = 0;

  constructor(
    private readonly failures: number,
    readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get isOpen(): boolean {
    return this.now() < this.openUntil;
  }

  /** Books a failure; true when this one opened the circuit. */
  failed(): boolean {
    this.consecutiveFailures++;
    if (this.consecutiveFailures < this.failures || this.isOpen) return false;
    this.openUntil = this.now() + this.openMs;
    return true;
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
    this.openUntil = 0;
  }
}
