/**
 * A Fenwick tree over pool slots holding each available member's weight (its priority when
 * positive, else 0): changing one weight, the total and finding the slot that covers a point of
 * the cumulative weight are all O(log n), so a weighted pick never scans the pool.
 */
export class PriorityWeights {
  /** Each slot's weight as last set. */
  private weights: Float64Array;
  /** Fenwick sums, 1-based. */
  private tree: Float64Array;
  /** The highest power of two within the tree: where find's descent starts. */
  private topStep: number;
  private sum = 0;
  /** Updates since the sums were last rebuilt from the weights (floating-point drift is bounded by rebuilding). */
  private updates = 0;

  constructor(capacity: number) {
    this.weights = new Float64Array(Math.max(capacity, 8));
    this.tree = new Float64Array(this.weights.length + 1);
    this.topStep = highestPowerOfTwo(this.weights.length);
  }

  /** The weight an agent of this priority carries. */
  static weightOf(priority: number): number {
    return priority > 0 ? priority : 0;
  }

  get total(): number {
    return this.sum;
  }

  weight(slot: number): number {
    return slot < this.weights.length ? (this.weights[slot] as number) : 0;
  }

  set(slot: number, weight: number): void {
    if (slot >= this.weights.length) this.grow(slot + 1);
    const delta = weight - (this.weights[slot] as number);
    if (delta === 0) return;
    this.weights[slot] = weight;
    this.sum += delta;
    const tree = this.tree;
    for (let index = slot + 1; index < tree.length; index += index & -index)
      tree[index] = (tree[index] as number) + delta;
    // Integer weights add up exactly; fractional ones drift a little with every change.
    if (++this.updates >= 1 << 20 && !Number.isInteger(this.sum)) this.rebuild(this.weights.length);
  }

  /** The slot whose share of the cumulative weight covers `point`, in [0, total); -1 when the total is 0. */
  find(point: number): number {
    if (this.sum <= 0) return -1;
    const tree = this.tree;
    let position = 0;
    let remaining = point;
    for (let step = this.topStep; step > 0; step >>= 1) {
      const next = position + step;
      if (next < tree.length && (tree[next] as number) <= remaining) {
        position = next;
        remaining -= tree[next] as number;
      }
    }
    // `position` slots lie wholly before the point; it falls in the next one. Rounding may land on
    // an empty slot at the very end: step back to the last slot with weight.
    let slot = position;
    while (slot >= this.weights.length || (this.weights[slot] as number) === 0) {
      slot = slot >= this.weights.length ? this.weights.length - 1 : slot - 1;
      if (slot < 0) return -1;
    }
    return slot;
  }

  private grow(needed: number): void {
    const weights = new Float64Array(Math.max(needed, Math.ceil(this.weights.length * 1.5)));
    weights.set(this.weights);
    this.weights = weights;
    this.rebuild(weights.length);
  }

  /** Fenwick sums from the weights in O(n). */
  private rebuild(length: number): void {
    const tree = new Float64Array(length + 1);
    let sum = 0;
    for (let slot = 0; slot < length; slot++) {
      const weight = this.weights[slot] as number;
      sum += weight;
      const index = slot + 1;
      tree[index] = (tree[index] as number) + weight;
      const parent = index + (index & -index);
      if (parent <= length) tree[parent] = (tree[parent] as number) + tree[index];
    }
    this.tree = tree;
    this.topStep = highestPowerOfTwo(length);
    this.sum = sum;
    this.updates = 0;
  }
}

function highestPowerOfTwo(value: number): number {
  let power = 1;
  while (power * 2 <= value) power *= 2;
  return value < 1 ? 0 : power;
}
