/** Numbers per slot: the registration time, then the last-seen time. */
const STRIDE = 2;

/**
 * The registration and last-seen times (epoch milliseconds) of many agents, two float64 a slot
 * in one buffer. As fields of each agent they were two 16-byte HeapNumbers apiece: a time in
 * milliseconds is never a small integer, so V8 boxes it. Freed slots are reused.
 */
export class AgentTimes {
  private values: Float64Array;
  private readonly free: number[] = [];
  private used = 0;

  constructor(initialSlots = 8) {
    this.values = new Float64Array(initialSlots * STRIDE);
  }

  /** A slot whose times are both `registeredAt`. */
  allocate(registeredAt: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.used++;
      if (slot * STRIDE >= this.values.length) {
        const values = new Float64Array(Math.ceil(this.values.length * 1.5));
        values.set(this.values);
        this.values = values;
      }
    }
    this.values[slot * STRIDE] = registeredAt;
    this.values[slot * STRIDE + 1] = registeredAt;
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  registeredAt(slot: number): number {
    return this.values[slot * STRIDE] as number;
  }

  lastSeenAt(slot: number): number {
    return this.values[slot * STRIDE + 1] as number;
  }

  setLastSeenAt(slot: number, at: number): void {
    this.values[slot * STRIDE + 1] = at;
  }
}
