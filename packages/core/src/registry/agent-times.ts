/** Numbers per slot: the registration time, then the last-seen time. */
const STRIDE = 2;

/**
 * The registration and last-seen times (epoch milliseconds) of many agents, two float64 a slot.
 * As fields of each agent they were two 16-byte HeapNumbers apiece: a time in milliseconds is
 * never a small integer, so V8 boxes it. The slots live in fixed-size chunks that are never
 * copied (growing one buffer leaves each old copy to the C allocator, which keeps most of their
 * pages); freed slots are reused.
 */
export class AgentTimes {
  private readonly chunks: Float64Array[] = [];
  private readonly free: number[] = [];
  private used = 0;
  private readonly shift: number;

  /** `chunkSlots` must be a power of two: 1 for a single agent's own store. */
  constructor(chunkSlots = 4096) {
    this.shift = Math.log2(chunkSlots);
  }

  /** A slot whose times are both `registeredAt`. */
  allocate(registeredAt: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.used++;
      if (slot >> this.shift === this.chunks.length) this.chunks.push(new Float64Array(STRIDE << this.shift));
    }
    const chunk = this.chunk(slot);
    const offset = this.offset(slot);
    chunk[offset] = registeredAt;
    chunk[offset + 1] = registeredAt;
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  registeredAt(slot: number): number {
    return this.chunk(slot)[this.offset(slot)] as number;
  }

  lastSeenAt(slot: number): number {
    return this.chunk(slot)[this.offset(slot) + 1] as number;
  }

  setLastSeenAt(slot: number, at: number): void {
    this.chunk(slot)[this.offset(slot) + 1] = at;
  }

  private chunk(slot: number): Float64Array {
    return this.chunks[slot >> this.shift] as Float64Array;
  }

  private offset(slot: number): number {
    return (slot & ((1 << this.shift) - 1)) * STRIDE;
  }
}
