import { TaskFailure } from '@switchyard/agent';

/**
 * Stops calling a server that keeps failing: after `failures` consecutive failures calls fail at
 * once for `openMs`, then one trial call decides whether it closes again.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntil = 0;

  constructor(
    private readonly failures: number,
    private readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get isOpen(): boolean {
    return this.consecutiveFailures >= this.failures && this.now() < this.openUntil;
  }

  async run<T>(server: string, call: () => Promise<T>): Promise<T> {
    if (this.isOpen) {
      throw new TaskFailure(`fast-agent server '${server}' is failing; not calling it until ${new Date(this.openUntil).toISOString()}`, { code: 'CIRCUIT_OPEN' });
    }
    try {
      const result = await call();
      this.consecutiveFailures = 0;
      return result;
    } catch (error) {
      this.consecutiveFailures++;
      if (this.consecutiveFailures >= this.failures) this.openUntil = this.now() + this.openMs;
      throw error;
    }
  }
}
