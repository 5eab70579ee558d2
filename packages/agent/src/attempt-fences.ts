/** base64url's value of each character code below 128; -1 for the others. */
const BASE64URL_VALUES = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((character, value) => {
  BASE64URL_VALUES[character.charCodeAt(0)] = value;
});
/** The orchestrator's fences are 16 base64url characters (96 bits): kept as four 24-bit words. */
const FENCE_LENGTH = 16;
const WORDS = 4;

/**
 * Fences of the attempts an agent holds or finished lately, so that an attempt sent again (an
 * orchestrator took the task over after its owner died) is not run twice; the oldest finished
 * one is forgotten beyond `finishedLimit`.
 *
 * Finished fences in the orchestrator's form live as numbers in typed arrays (a ring, and an
 * open-addressing index over it), not as strings in a Set: thousands of fence strings kept
 * alive, each met in a Set lookup per task, cost the agent about a sixth of its CPU per task
 * over NATS (docs/benchmarks.md). Fences in any other form (the protocol lets them be any
 * string) go to a Set, exactly as before. Held attempts go to a Set only when their handler
 * returned a promise: a synchronous handler's attempt is answered before the next envelope is
 * read, so nothing can arrive for it in between.
 */
export class AttemptFences {
  private readonly held = new Set<string>();
  private readonly otherFinished = new Set<string>();
  /** Per ring position: the fence's words, or (for a fence of another form) the string. */
  private readonly words: Int32Array;
  private readonly otherAt: (string | undefined)[];
  private readonly hashes: Int32Array;
  /** Per ring position: 0 free, 1 a fence in words, 2 one in otherAt. */
  private readonly kinds: Uint8Array;
  /** Open addressing (linear probing) over the ring: ring position + 1, 0 for an empty slot. */
  private readonly index: Int32Array;
  private readonly mask: number;
  private next = 0;
  /** The last fence decoded and its words: a task's fence is looked up, then finished. */
  private decodedFence = '';
  private readonly decoded = new Int32Array(WORDS);

  constructor(private readonly finishedLimit: number) {
    this.words = new Int32Array(finishedLimit * WORDS);
    this.otherAt = new Array<string | undefined>(finishedLimit).fill(undefined);
    this.hashes = new Int32Array(finishedLimit);
    this.kinds = new Uint8Array(finishedLimit);
    let slots = 2;
    while (slots < finishedLimit * 2) slots *= 2;
    this.index = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** Whether the attempt is in hand or finished lately (a copy, not to be run again). */
  has(fence: string): boolean {
    if (this.held.size > 0 && this.held.has(fence)) return true;
    if (!this.decode(fence)) return this.otherFinished.has(fence);
    return this.slotOf(this.hashOf(this.decoded), this.decoded) >= 0;
  }

  /** An attempt whose handler is still running (it returned a promise). */
  hold(fence: string): void {
    this.held.add(fence);
  }

  /** The attempt left the agent's hands: remembered among the last `finishedLimit` finished ones (a second finish changes nothing). */
  finish(fence: string): void {
    if (this.held.size > 0) this.held.delete(fence);
    const inWords = this.decode(fence);
    const hash = inWords ? this.hashOf(this.decoded) : 0;
    if (inWords ? this.slotOf(hash, this.decoded) >= 0 : this.otherFinished.has(fence)) return;
    const position = this.next;
    this.next = position + 1 === this.finishedLimit ? 0 : position + 1;
    this.forget(position);
    if (!inWords) {
      this.otherFinished.add(fence);
      this.otherAt[position] = fence;
      this.kinds[position] = 2;
      return;
    }
    this.words.set(this.decoded, position * WORDS);
    this.hashes[position] = hash;
    this.kinds[position] = 1;
    let slot = hash & this.mask;
    while (this.index[slot] !== 0) slot = (slot + 1) & this.mask;
    this.index[slot] = position + 1;
  }

  /** Frees a ring position; an indexed one leaves the index by backward shift, so no probe chain breaks. */
  private forget(position: number): void {
    const kind = this.kinds[position];
    this.kinds[position] = 0;
    if (kind === 2) {
      this.otherFinished.delete(this.otherAt[position] ?? '');
      this.otherAt[position] = undefined;
      return;
    }
    if (kind !== 1) return;
    let hole = (this.hashes[position] ?? 0) & this.mask;
    while (this.index[hole] !== position + 1) hole = (hole + 1) & this.mask;
    let slot = hole;
    for (;;) {
      slot = (slot + 1) & this.mask;
      const entry = this.index[slot] ?? 0;
      if (entry === 0) break;
      const home = (this.hashes[entry - 1] ?? 0) & this.mask;
      // The entry may move into the hole unless its home lies cyclically after the hole, up to its slot.
      const staysPut = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (staysPut) continue;
      this.index[hole] = entry;
      hole = slot;
    }
    this.index[hole] = 0;
  }

  /** The index slot holding these words, or -1. */
  private slotOf(hash: number, words: Int32Array): number {
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.index[slot] ?? 0;
      if (entry === 0) return -1;
      const at = (entry - 1) * WORDS;
      if (
        this.hashes[entry - 1] === hash &&
        this.words[at] === words[0] &&
        this.words[at + 1] === words[1] &&
        this.words[at + 2] === words[2] &&
        this.words[at + 3] === words[3]
      )
        return slot;
    }
  }

  private hashOf(words: Int32Array): number {
    let hash = Math.imul((words[0] ?? 0) ^ 0x9e3779b9, 0x85ebca6b);
    hash = Math.imul(hash ^ (words[1] ?? 0) ^ (hash >>> 15), 0xc2b2ae35);
    hash = Math.imul(hash ^ (words[2] ?? 0) ^ (hash >>> 13), 0x85ebca6b);
    hash = Math.imul(hash ^ (words[3] ?? 0) ^ (hash >>> 16), 0xc2b2ae35);
    return hash ^ (hash >>> 16);
  }

  /** Reads a fence of the orchestrator's form into `decoded`; false for any other string. */
  private decode(fence: string): boolean {
    if (fence === this.decodedFence) return true;
    this.decodedFence = '';
    if (fence.length !== FENCE_LENGTH) return false;
    for (let word = 0; word < WORDS; word++) {
      let value = 0;
      for (let offset = word * 4; offset < word * 4 + 4; offset++) {
        const code = fence.charCodeAt(offset);
        const bits = code < 128 ? (BASE64URL_VALUES[code] ?? -1) : -1;
        if (bits < 0) return false;
        value = (value << 6) | bits;
      }
      this.decoded[word] = value;
    }
    this.decodedFence = fence;
    return true;
  }
}
