/** answer_refused envelopes told to one agent per window; beyond, refusals are only counted. */
const REFUSALS_PER_WINDOW = 20;
const WINDOW_MS = 1_000;

/**
 * A per-agent budget for answer_refused: an agent (or a forger using its address) sending
 * thousands of stale answers must not make the orchestrator send thousands of envelopes back.
 * Fixed one-second windows; the map is cleared at each new window, so it holds only the agents
 * refused within the last one.
 */
export class AnswerRefusals {
  private windowStart = 0;
  private readonly told = new Map<string, number>();
  /** Refusals not told because an agent's budget was spent (for tests and metrics). */
  suppressed = 0;

  /** Whether a refusal may be told to `address` now; counts it when so. */
  mayTell(address: string, now: number): boolean {
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.told.clear();
    }
    const count = this.told.get(address) ?? 0;
    if (count >= REFUSALS_PER_WINDOW) {
      this.suppressed++;
      return false;
    }
    this.told.set(address, count + 1);
    return true;
  }
}
